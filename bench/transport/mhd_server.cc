// A minimal server on libmicrohttpd, with the contract every server in this folder keeps:
// GET /v1/health answers {"status":"ok"}, a request with a body answers {"bytes":N} (bodies up
// to 1 MiB), anything else 404. bench/transport/run.sh measures the library with it; it adds no
// framing checks of its own. Usage: mhd_server PORT THREADS
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr size_t kMaxBody = size_t{1} << 20;

struct Upload {
  size_t bytes = 0;
  bool too_large = false;
};

MHD_Result Answer(MHD_Connection* connection, unsigned status, const std::string& body) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", "application/json");
  MHD_Result queued = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return queued;
}

bool HasBody(MHD_Connection* connection, const char* method) {
  if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length") != nullptr ||
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Transfer-Encoding") != nullptr) {
    return true;
  }
  return std::strcmp(method, "POST") == 0 || std::strcmp(method, "PUT") == 0;
}

// The library calls this once with the head, then once per piece of body, then once more with
// no data when the body is complete.
MHD_Result Handle(void*, MHD_Connection* connection, const char* url, const char* method,
                  const char*, const char* data, size_t* size, void** state) {
  if (*state == nullptr && HasBody(connection, method)) {
    *state = new Upload;
    return MHD_YES;
  }
  auto* upload = static_cast<Upload*>(*state);
  if (upload != nullptr && *size > 0) {
    upload->bytes += *size;
    upload->too_large = upload->too_large || upload->bytes > kMaxBody;
    *size = 0;
    (void)data;
    return MHD_YES;
  }
  if (upload != nullptr) {
    if (upload->too_large) return Answer(connection, 413, R"({"error":"too_large"})");
    return Answer(connection, 200, "{\"bytes\":" + std::to_string(upload->bytes) + "}");
  }
  if (std::strcmp(method, "GET") == 0 && std::strcmp(url, "/v1/health") == 0) {
    return Answer(connection, 200, R"({"status":"ok"})");
  }
  return Answer(connection, 404, R"({"error":"not_found"})");
}

void Done(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Upload*>(*state);
  *state = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mhd_server PORT THREADS\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // An internal thread pool over epoll: one event loop per thread, never one per connection.
  MHD_Daemon* daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, nullptr, nullptr, &Handle, nullptr,
      MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_THREAD_POOL_SIZE,
      static_cast<unsigned>(std::atoi(argv[2])), MHD_OPTION_NOTIFY_COMPLETED, &Done, nullptr,
      MHD_OPTION_CONNECTION_LIMIT, 10000u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
  if (daemon == nullptr) {
    std::fprintf(stderr, "cannot start the daemon\n");
    return 1;
  }
  std::printf("listening on 127.0.0.1:%s\n", argv[1]);
  std::fflush(stdout);
  pause();
  MHD_stop_daemon(daemon);
}
