-- wrk script for soak.sh: every request is a Pod AdmissionReview of one image drawn from
-- $IMAGES_FILE (one "weight image" pair per line; a "{n}" in the image becomes a random number in
-- 1..$COLD_POOL, so those images miss the cache). Counts the answers: HTTP status, allowed
-- true/false, and prints them as one JSON line at the end.
local images, total = {}, 0
for line in io.lines(os.getenv("IMAGES_FILE")) do
  local weight, image = line:match("^(%d+)%s+(%S+)$")
  if weight then
    total = total + tonumber(weight)
    images[#images + 1] = {upto = total, image = image}
  end
end
local pool = tonumber(os.getenv("COLD_POOL") or "300")
local template = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":' ..
  '{"uid":"soak-%d","kind":{"group":"","version":"v1","kind":"Pod"},' ..
  '"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"soak",' ..
  '"operation":"CREATE","userInfo":{"username":"soak"},"object":{"apiVersion":"v1","kind":"Pod",' ..
  '"metadata":{"name":"soak-%d","namespace":"soak"},"spec":{"containers":' ..
  '[{"name":"c","image":"%s"}]}},"dryRun":false}}'

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

-- Per-thread counters: globals, because thread:get copies only numbers and strings out.
local sent = 0
allowed, denied, other, status_not_200 = 0, 0, 0, 0
function init()
  math.randomseed(os.time() + id * 7919)
end

function request()
  sent = sent + 1
  local r, image = math.random(total), nil
  for _, entry in ipairs(images) do
    if r <= entry.upto then image = entry.image break end
  end
  image = image:gsub("{n}", tostring(math.random(pool)))
  local n = id * 100000000 + sent
  return wrk.format(nil, nil, nil, template:format(n, n, image))
end

function response(status, headers, body)
  if status ~= 200 then
    status_not_200 = status_not_200 + 1
  elseif body:find('"allowed":true', 1, true) then
    allowed = allowed + 1
  elseif body:find('"allowed":false', 1, true) then
    denied = denied + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {allowed = 0, denied = 0, other = 0, status_not_200 = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(totals) do totals[k] = totals[k] + (thread:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format('SOAK_WRK {"requests":%d,"seconds":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,' ..
    '"p99_ms":%.2f,"max_ms":%.2f,"allowed":%d,"denied":%d,"other":%d,"status_not_200":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    totals.allowed, totals.denied, totals.other, totals.status_not_200,
    e.connect, e.read, e.write, e.timeout))
end
