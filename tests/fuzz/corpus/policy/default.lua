-- default.lua: Connaisseur's rule selection (docs/configuration.md "Policy rules"), compiled into the binary.
--
-- The candidates are the configured rules whose pattern matches the image (an index built once
-- at load answers that); among them the most specific wins:
--   1. more '/'-separated components in the pattern;
--   2. else the first component where the longest common prefix with the image is longer
--      (the first component meets the image's registry host, whose case does not count);
--   3. else the first component that is longer;
--   4. else (a tie) the later rule in the policy list, with a warning.
-- No candidate denies: "no matching rule for image <normalized>".
--
-- select runs once per image, so it allocates nothing per candidate: components are byte
-- ranges, not substrings, and what depends only on a pattern is computed once per pattern.

local candidates = connaisseur.match.candidates
local warn = connaisseur.log.warn
local find, sub, byte, lower = string.find, string.sub, string.byte, string.lower

local STAR, QUESTION, BRACKET, BACKSLASH = byte("*"), byte("?"), byte("["), byte("\\")

-- shapes[pattern]: the pattern's components as written, 5 slots each (component i at
-- o = 5 * (i - 1)): o+1 first byte, o+2 length, o+3 literal head (the text before the first
-- '*', '?', '[' or '\'), o+4 the head's length, o+5 whether '[' follows the head. Normalised
-- images never hold '*', '?' or '\', so a common prefix with the image cannot pass the head
-- unless a '[' follows it. The first component meets the registry host, compared without case:
-- its head is kept lower-cased and c.low is the whole pattern lower-cased. Patterns only come
-- from the configuration (through candidates), so the cache is bounded by the policy.
local shapes = {}

local function shape(pattern)
  local c = shapes[pattern]
  if c then
    return c
  end
  c = {}
  local n, first = 0, 1
  repeat
    local slash = find(pattern, "/", first, true)
    local last = (slash or #pattern + 1) - 1
    local head_last = last
    for k = first, last do
      local b = byte(pattern, k)
      if b == STAR or b == QUESTION or b == BRACKET or b == BACKSLASH then
        head_last = k - 1
        break
      end
    end
    local o = 5 * n
    c[o + 1] = first
    c[o + 2] = last - first + 1
    c[o + 3] = n == 0 and lower(sub(pattern, first, head_last)) or sub(pattern, first, head_last)
    c[o + 4] = head_last - first + 1
    c[o + 5] = head_last < last and byte(pattern, head_last + 1) == BRACKET
    n = n + 1
    first = (slash or 0) + 1
  until not slash
  c.n = n
  c.low = lower(pattern)
  shapes[pattern] = c
  return c
end

-- The image's components as byte ranges (img[2i-1] first byte, img[2i] length), refilled by
-- each select; img_n is their number. img_low is the image lower-cased, for its host.
local img, img_n, img_low = {}, 0, ""

local function split_image(s)
  local n, first = 0, 1
  repeat
    local slash = find(s, "/", first, true)
    n = n + 1
    img[2 * n - 1] = first
    img[2 * n] = (slash or #s + 1) - first
    first = (slash or 0) + 1
  until not slash
  img_n = n
  img_low = lower(s)
end

-- Length of the longest common prefix of component i of `pattern` (shape c) and component i
-- of the image s; 0 when the image has no component i. Component 1, the host, ignores case.
local function lcp(pattern, c, i, s)
  if i > img_n then
    return 0
  end
  if i == 1 then
    pattern, s = c.low, img_low
  end
  local o = 5 * (i - 1)
  local b, image_len = img[2 * i - 1], img[2 * i]
  local h, bracket = c[o + 4], c[o + 5]
  local k = 0
  if h > 0 and h <= image_len and find(s, c[o + 3], b, true) == b then
    if not bracket then
      return h
    end
    k = h
  elseif h == 0 and not bracket then
    return 0
  end
  local a, n = c[o + 1], c[o + 2]
  if image_len < n then
    n = image_len
  end
  while k < n and byte(pattern, a + k) == byte(s, b + k) do
    k = k + 1
  end
  return k
end

-- The common prefixes of the best rule so far and of the candidate; swapped when it wins.
local best_lcp, cand_lcp = {}, {}

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
  local s = image.normalized
  split_image(s)
  local best_pattern = best.pattern
  local bc = shape(best_pattern)
  local bn = bc.n
  for i = 1, bn do
    best_lcp[i] = lcp(best_pattern, bc, i, s)
  end
  for r = 2, n do
    local rule = rules[r]
    local pattern = rule.pattern
    local c = shape(pattern)
    local cn = c.n
    local d = cn - bn -- 1. more components wins
    if d >= 0 then
      for i = 1, cn do
        cand_lcp[i] = lcp(pattern, c, i, s)
      end
      if d == 0 then
        for i = 1, cn do -- 2. the first longer common prefix wins
          d = cand_lcp[i] - best_lcp[i]
          if d ~= 0 then
            break
          end
        end
        if d == 0 then
          for i = 1, cn do -- 3. the first longer component wins
            local o = 5 * (i - 1) + 2
            d = c[o] - bc[o]
            if d ~= 0 then
              break
            end
          end
        end
      end
      if d >= 0 then -- candidates come in policy order: on a tie the later rule wins
        if d == 0 then
          warn("identical rules: " .. best_pattern .. ", " .. pattern, { image = s })
        end
        best, best_pattern, bc, bn = rule, pattern, c, cn
        best_lcp, cand_lcp = cand_lcp, best_lcp
      end
    end
  end
  return best
end

return { select = select }
