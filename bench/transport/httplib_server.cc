// A minimal server on cpp-httplib (the library xronoxd's adapter wraps), with the contract
// every server in this folder keeps: GET /v1/health answers {"status":"ok"}, a request with a
// body answers {"bytes":N} (bodies up to 1 MiB), anything else 404. bench/transport/run.sh
// measures the library with it, in its own thread-per-connection model with keep-alive raised
// as xronoxd raises it; it adds no framing checks of its own. Usage: httplib_server PORT THREADS
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: httplib_server PORT THREADS\n");
    return 2;
  }
  const int threads = std::atoi(argv[2]);
  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(1000);
  server.set_payload_max_length(size_t{1} << 20);
  server.set_tcp_nodelay(true);
  server.Get("/v1/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", "application/json");
  });
  auto count = [](const httplib::Request& request, httplib::Response& response) {
    response.set_content("{\"bytes\":" + std::to_string(request.body.size()) + "}",
                         "application/json");
  };
  server.Post(".*", count);
  server.Put(".*", count);
  if (!server.bind_to_port("127.0.0.1", std::atoi(argv[1]))) return 1;
  std::printf("listening on 127.0.0.1:%s\n", argv[1]);
  std::fflush(stdout);
  server.listen_after_bind();
}
