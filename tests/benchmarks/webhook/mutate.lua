-- wrk script: POST a ~900-byte Pod AdmissionReview to /mutate (body read from $REVIEW_FILE).
local f = assert(io.open(os.getenv("REVIEW_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
