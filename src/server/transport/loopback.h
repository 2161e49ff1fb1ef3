// Whether a listen address reaches only the local machine: a server without API keys checks no
// credentials, so it listens only there unless told otherwise.
// Thread-safety: pure function (it asks the resolver).
#pragma once

#include <string>

namespace xronox::server {

/// True when `host` resolves, and every address it resolves to is a loopback address
/// (127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6). A name is resolved first, so that
/// "127.example.com" is judged by its addresses, not its spelling; one that does not resolve
/// is not loopback.
bool ResolvesToLoopbackOnly(const std::string& host);

}  // namespace xronox::server
