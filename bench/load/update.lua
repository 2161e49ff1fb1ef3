-- PUT without If-Match: a new version of a prepared record u0..u{records-1}, picked at random
-- so that connections rarely write the same record at once (a race they lose answers 409 or
-- 503, counted in non2xx).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  seq = seq + 1
  return wrk.format("PUT", random_record("u"), write_headers, document(seq))
end
