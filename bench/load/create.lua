-- POST: create a record with a generated id.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  seq = seq + 1
  return wrk.format("POST", collection, write_headers, document(seq))
end
