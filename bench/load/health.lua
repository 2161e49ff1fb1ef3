-- GET /v1/health: no store access, a 15-byte answer; the HTTP transport's own ceiling, beside
-- which the other operations' figures show what the store and the JSON add.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  return wrk.format("GET", "/v1/health")
end
