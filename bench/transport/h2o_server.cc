// Minimal HTTP/1.1 server on libh2o (evloop flavour) implementing the shared bench contract:
// GET /v1/health -> {"status":"ok"}, requests with a body -> {"bytes":N}, else 404.
// Used by bench/transport/run.sh to measure what the library accepts and how fast it is.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

// The Debian libh2o-evloop.pc does not define this; without it h2o.h selects the libuv binding.
#define H2O_USE_LIBUV 0
#include <h2o.h>

namespace {

constexpr size_t kMaxBody = 1 << 20;

h2o_globalconf_t g_config;

struct Worker {
  h2o_evloop_t* loop = nullptr;
  h2o_context_t ctx{};
  h2o_accept_ctx_t accept_ctx{};
  int listen_fd = -1;
};

std::string_view View(h2o_iovec_t v) { return {v.base == nullptr ? "" : v.base, v.len}; }

void Respond(h2o_req_t* req, int status, const char* reason, std::string_view body) {
  req->res.status = status;
  req->res.reason = reason;
  req->res.content_length = body.size();
  h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, nullptr,
                 H2O_STRLIT("application/json"));
  h2o_send_inline(req, body.data(), body.size());
}

int OnRequest(h2o_handler_t*, h2o_req_t* req) {
  std::string_view method = View(req->method);
  bool has_body = req->entity.base != nullptr || method == "POST" || method == "PUT";
  if (has_body) {
    std::string body = "{\"bytes\":" + std::to_string(req->entity.len) + "}";
    Respond(req, 200, "OK", body);
  } else if (method == "GET" && View(req->path_normalized) == "/v1/health") {
    Respond(req, 200, "OK", R"({"status":"ok"})");
  } else {
    Respond(req, 404, "Not Found", R"({"error":"not_found"})");
  }
  return 0;
}

void SetupConfig() {
  h2o_config_init(&g_config);
  g_config.max_request_entity_size = kMaxBody;
  h2o_hostconf_t* host =
      h2o_config_register_host(&g_config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t* path = h2o_config_register_path(host, "/", 0);
  h2o_handler_t* handler = h2o_create_handler(path, sizeof(h2o_handler_t));
  handler->on_req = OnRequest;
}

int OpenListener(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 1024) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void OnAccept(h2o_socket_t* listener, const char* err) {
  if (err != nullptr) return;
  auto* worker = static_cast<Worker*>(listener->data);
  while (h2o_socket_t* sock = h2o_evloop_socket_accept(listener)) {
    h2o_accept(&worker->accept_ctx, sock);
  }
}

void RunWorker(Worker* worker) {
  worker->loop = h2o_evloop_create();
  h2o_context_init(&worker->ctx, worker->loop, &g_config);
  worker->accept_ctx.ctx = &worker->ctx;
  worker->accept_ctx.hosts = g_config.hosts;
  h2o_socket_t* listener =
      h2o_evloop_socket_create(worker->loop, worker->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
  listener->data = worker;
  h2o_socket_read_start(listener, OnAccept);
  while (h2o_evloop_run(worker->loop, INT32_MAX) == 0) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  int threads = std::max(1, std::atoi(argv[2]));
  std::signal(SIGPIPE, SIG_IGN);
  SetupConfig();

  std::vector<Worker> workers(threads);
  for (Worker& worker : workers) {
    worker.listen_fd = OpenListener(port);
    if (worker.listen_fd < 0) {
      std::perror("listen");
      return 1;
    }
  }
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(RunWorker, &workers[i]);
  RunWorker(&workers[0]);
  for (std::thread& t : pool) t.join();
  return 0;
}
