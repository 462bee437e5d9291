-- default.lua: Connaisseur's rule selection (matching.md section 2-section 4), compiled into the binary.
--
-- The candidates are the configured rules whose pattern matches the image (an index built once
-- at load answers that); among them the most specific wins (section 3):
--   1. more '/'-separated components in the pattern;
--   2. else the first component where the longest common prefix with the image is longer;
--   3. else the first component that is longer;
--   4. else (a tie) the later rule in the policy list, with a warning.
-- No candidate denies: "no matching rule for image <normalized>".

local candidates = connaisseur.match.candidates
local warn = connaisseur.log.warn
local find, sub, byte = string.find, string.sub, string.byte

-- Splits on '/', keeping empty components; returns the list and its length.
local function split(s)
  local parts, n, start = {}, 0, 1
  while true do
    local slash = find(s, "/", start, true)
    n = n + 1
    if not slash then
      parts[n] = sub(s, start)
      return parts, n
    end
    parts[n] = sub(s, start, slash - 1)
    start = slash + 1
  end
end

local function common_prefix(a, b)
  local n, i = math.min(#a, #b), 0
  while i < n and byte(a, i + 1) == byte(b, i + 1) do
    i = i + 1
  end
  return i
end

-- The section 3 metrics of `pattern` (as written) against the image's components.
local function measure(pattern, image_parts)
  local parts, count = split(pattern)
  local len, lcp = {}, {}
  for i = 1, count do
    len[i] = #parts[i]
    lcp[i] = image_parts[i] and common_prefix(parts[i], image_parts[i]) or 0
  end
  return { count = count, len = len, lcp = lcp }
end

-- > 0 when a is more specific than b, < 0 when less, 0 on a tie.
local function compare(a, b)
  if a.count ~= b.count then
    return a.count - b.count
  end
  for i = 1, a.count do
    if a.lcp[i] ~= b.lcp[i] then
      return a.lcp[i] - b.lcp[i]
    end
  end
  for i = 1, a.count do
    if a.len[i] ~= b.len[i] then
      return a.len[i] - b.len[i]
    end
  end
  return 0
end

local function select(image, request)
  local rules = candidates(image)
  local n = #rules
  if n == 0 then
    return nil, "no matching rule for image " .. image.normalized
  end
  local best = rules[1]
  if n == 1 then
    return best
  end
  local image_parts = split(image.normalized)
  local best_metrics = measure(best.pattern, image_parts)
  for i = 2, n do
    local rule = rules[i]
    local metrics = measure(rule.pattern, image_parts)
    local c = compare(metrics, best_metrics)
    if c >= 0 then -- candidates come in policy order: on a tie the later rule wins
      if c == 0 then
        warn("identical rules: " .. best.pattern .. ", " .. rule.pattern,
             { image = image.normalized })
      end
      best, best_metrics = rule, metrics
    end
  end
  return best
end

return { select = select }
