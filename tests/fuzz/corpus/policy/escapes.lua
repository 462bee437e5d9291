local t = {}
for i = 1, 1e9 do t[#t + 1] = ("x"):rep(1000) end
pcall(function() while true do end end)
return { select = function(image, request)
  local ok = pcall(load, "return 1")
  setmetatable(_G, {})
  return { pattern = "*:*", validator = "allow" }
end }
