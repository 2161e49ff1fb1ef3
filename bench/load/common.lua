-- Shared by the wrk scripts of bench/load: the collection, the document each write sends (the
-- same as bench/inprocess_load_bench.cc), per-thread random streams and the result line that
-- run.sh parses.
records = tonumber(os.getenv("XRONOX_BENCH_RECORDS") or "1000")
collection = "/v1/runtime/bench/load"
write_headers = {
  ["Content-Type"] = "application/json",
  ["X-Xronox-Actor"] = "bench",
  ["X-Xronox-Reason"] = "load benchmark",
}

function document(seq)
  return string.format('{"customer":"c-123","status":"paid","amount":1234.5,' ..
                       '"items":[{"sku":"a","qty":2},{"sku":"b","qty":1}],' ..
                       '"note":"%s","seq":%d}', string.rep("n", 300), seq)
end

-- A random record of the prepared set `prefix` ("p" for reads, "u" for updates).
function random_record(prefix)
  return string.format("%s/%s%d", collection, prefix, math.random(0, records - 1))
end

local thread_count = 0
function setup(thread)
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  -- Each thread draws other records, and numbers its writes apart from the other threads'.
  math.randomseed(1000 + thread_number)
  seq = thread_number * 1000000000
end

-- wrk counts answers >= 400 in errors.status; connect, read, write and timeout are socket errors.
function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("WRK_RESULT requests=%d seconds=%.2f rps=%.1f p50_us=%.1f " ..
                         "p99_us=%.1f non2xx=%d socket_errors=%d\n",
                         summary.requests, seconds, summary.requests / seconds,
                         latency:percentile(50), latency:percentile(99), e.status,
                         e.connect + e.read + e.write + e.timeout))
end
