return { select = function(image, request)
  if image.registry == "docker.io" then return { pattern = "docker.io/*", validator = "allow" } end
  return nil, "not docker.io: " .. image.normalized
end }
