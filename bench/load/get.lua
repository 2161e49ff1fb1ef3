-- GET of a current record, spread over the prepared records p0..p{records-1}.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  return wrk.format("GET", random_record("p"))
end
