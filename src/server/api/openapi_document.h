// The OpenAPI 3.1 description of the HTTP API (docs/openapi.json), built into the binary by
// cmake/embed_text.cmake so the served document and the file never differ.
// Thread-safety: a pure function over constant data.
#pragma once

#include <string_view>

namespace xronox::server {

/// Return the text of docs/openapi.json as it was when the server was built.
std::string_view OpenApiDocument();

}  // namespace xronox::server
