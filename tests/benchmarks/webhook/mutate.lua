-- wrk script: POST a ~900-byte Pod AdmissionReview to /mutate (body read from $REVIEW_FILE).
-- With MADE_UP_KINDS set, every 8th review names a kind never seen before (Made8, Made16, ...):
-- request input must not grow the /metrics series.
local f = assert(io.open(os.getenv("REVIEW_FILE"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

if (os.getenv("MADE_UP_KINDS") or "") ~= "" then
  local sent = 0
  request = function()
    sent = sent + 1
    if sent % 8 ~= 0 then return wrk.format() end
    local body = wrk.body:gsub('"kind": "Pod"}', '"kind": "Made' .. sent .. '"}', 1)
    return wrk.format(nil, nil, nil, body)
  end
end

-- One machine-readable line for compare_bare.sh (latencies in microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("CN_RESULT requests=%d seconds=%.3f p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
