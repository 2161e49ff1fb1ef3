// Content handlers: streamed upload, streamed and ranged download, presigned redirect, delete.
#include "common/decimal.h"
#include "server/api/codec.h"
#include "server/api/handlers.h"
#include "server/api/request_parsing.h"

namespace xronox::server {

namespace {

// Pieces of a streamed download: bounded, whatever the content's size.
constexpr size_t kDownloadChunkBytes = size_t{1} << 20;
// How long a presigned URL of ?presign=1 stays valid.
constexpr int kPresignSeconds = 300;

// A byte range of content of `size` bytes (RFC 9110 section 14.1.2), inclusive bounds.
struct ByteRange {
  int64_t first = 0;
  int64_t last = -1;
};

// nullopt: serve the whole content (no Range, or one this server ignores: several ranges, a
// unit other than bytes, bad syntax; RFC 9110 lets a server ignore those). An empty range
// (first > last) means unsatisfiable.
std::optional<ByteRange> ParseRange(const std::string& header, int64_t size) {
  if (!header.starts_with("bytes=") || header.find(',') != std::string::npos) return std::nullopt;
  std::string_view spec = std::string_view(header).substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> first = ParseNonNegativeDecimal(spec.substr(0, dash));
  std::optional<int64_t> last = ParseNonNegativeDecimal(spec.substr(dash + 1));
  if (dash == 0) {  // bytes=-n: the last n bytes.
    if (!last) return std::nullopt;
    if (*last == 0 || size == 0) return ByteRange{1, 0};
    return ByteRange{std::max<int64_t>(0, size - *last), size - 1};
  }
  if (!first || (dash + 1 < spec.size() && !last)) return std::nullopt;
  if (last && *last < *first) return std::nullopt;
  if (*first >= size) return ByteRange{1, 0};
  return ByteRange{*first, last ? std::min(*last, size - 1) : size - 1};
}

Result<ContentReadOptions> ReadOptionsFromQuery(const QueryParams& query, bool* presign) {
  QueryParams rest = query;
  auto found = rest.find("presign");
  *presign = found != rest.end();
  if (*presign) {
    if (found->second != "1" && found->second != "true") {
      return InvalidArgument("presign must be 1 or true").WithReason("invalid_query");
    }
    rest.erase(found);
  }
  XRONOX_ASSIGN_OR_RETURN(GetOptions get, GetOptionsFromQuery(rest));
  ContentReadOptions options;
  options.version = get.version;
  options.as_of = get.as_of;
  return options;
}

HttpResponse Unsatisfiable(int64_t size) {
  HttpResponse response = ErrorResponse(MakeHttpError(
      416, "range_not_satisfiable",
      "the Range asks for bytes outside the content's " + std::to_string(size) + " bytes"));
  response.headers["Content-Range"] = "bytes */" + std::to_string(size);
  return response;
}

// The response streams from the reader, which it owns from here on.
HttpResponse StreamedResponse(std::unique_ptr<ContentReader> reader, bool partial) {
  HttpResponse response;
  const ContentInfo& info = reader->info();
  response.status = partial ? 206 : 200;
  response.headers["Content-Type"] = info.content_type;
  response.headers["Accept-Ranges"] = "bytes";
  response.headers["X-Xronox-Version"] = std::to_string(reader->record_version());
  response.headers["X-Xronox-Content-Sha256"] = info.sha256;
  if (partial) {
    response.headers["Content-Range"] = "bytes " + std::to_string(reader->offset()) + "-" +
                                        std::to_string(reader->offset() + reader->length() - 1) +
                                        "/" + std::to_string(info.size);
  }
  response.stream_length = reader->length();
  std::shared_ptr<ContentReader> shared = std::move(reader);
  response.stream_body = [shared](std::string* chunk) {
    return shared->Read(kDownloadChunkBytes, chunk).ok();
  };
  return response;
}

Result<int64_t> DeclaredLength(const HttpRequest& request) {
  std::string text = HeaderValue(request.headers, "Content-Length");
  if (text.empty()) return int64_t{-1};
  std::optional<int64_t> length = ParseNonNegativeDecimal(text);
  if (!length) return InvalidArgument("bad Content-Length").WithReason("invalid_header");
  return *length;
}

HttpResponse TooLarge(int64_t limit) {
  return ErrorResponse(MakeHttpError(413, "payload_too_large",
                                     "content is larger than " + std::to_string(limit) + " bytes"));
}

}  // namespace

Result<HttpResponse> HandlePutContent(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions write,
      WriteOptionsFromRequest(call.request, {.if_match = true}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(int64_t declared, DeclaredLength(call.request));
  if (declared > call.max_content_bytes) {
    ReadRequestBody(call.request, [](std::string_view) { return true; });  // Drain it.
    return TooLarge(call.max_content_bytes);
  }
  ContentUploadOptions options{HeaderValue(call.request.headers, "Content-Type"), write};
  XRONOX_ASSIGN_OR_RETURN(
      std::unique_ptr<ContentUpload> upload,
      call.collection.BeginContent(call.route.id, call.route.property, options));
  Status written = Status::Ok();
  bool too_large = false;
  bool complete = ReadRequestBody(call.request, [&](std::string_view bytes) {
    if (upload->size() + static_cast<int64_t>(bytes.size()) > call.max_content_bytes) {
      too_large = true;
      return false;
    }
    written = upload->Write(bytes);
    return written.ok();
  });
  if (too_large) return TooLarge(call.max_content_bytes);
  XRONOX_RETURN_IF_ERROR(written);
  if (!complete || (declared >= 0 && upload->size() != declared)) {
    return InvalidArgument("the request body ended before its Content-Length")
        .WithReason("incomplete_body");
  }
  XRONOX_ASSIGN_OR_RETURN(WriteResult result, upload->Finish());
  HttpResponse response =
      result.record ? RecordResponse(200, *result.record)
                    : JsonResponse(200, Json{{"id", result.id}, {"version", result.version}});
  response.headers["ETag"] = ETagFor(result.version);
  return response;
}

Result<HttpResponse> HandleGetContent(RecordCall& call) {
  bool presign = false;
  XRONOX_ASSIGN_OR_RETURN(ContentReadOptions options, ReadOptionsFromQuery(call.query, &presign));
  const std::string& id = call.route.id;
  const std::string& property = call.route.property;
  if (presign) {
    XRONOX_ASSIGN_OR_RETURN(std::string url,
                            call.collection.PresignContent(id, property, options, kPresignSeconds));
    HttpResponse response;
    response.status = 307;
    response.headers["Location"] = url;
    response.headers["Cache-Control"] = "no-store";
    return response;
  }
  XRONOX_ASSIGN_OR_RETURN(std::unique_ptr<ContentReader> reader,
                          call.collection.ReadContent(id, property, options));
  std::string range_header = HeaderValue(call.request.headers, "Range");
  if (range_header.empty()) return StreamedResponse(std::move(reader), false);
  const ContentInfo whole = reader->info();
  std::optional<ByteRange> range = ParseRange(range_header, whole.size);
  if (!range) return StreamedResponse(std::move(reader), false);
  if (range->first > range->last) return Unsatisfiable(whole.size);
  // Read the range of the very content measured above, even if a write lands in between.
  if (call.collection.target().database_type == DatabaseType::kRuntime) {
    options.version = reader->record_version();
    options.as_of.reset();
  }
  options.offset = range->first;
  options.length = range->last - range->first + 1;
  Result<std::unique_ptr<ContentReader>> ranged =
      call.collection.ReadContent(id, property, options);
  if (ranged.ok() && (*ranged)->info().sha256 != whole.sha256) {
    return Unavailable("content changed while it was read; retry").WithReason("content_changed");
  }
  XRONOX_RETURN_IF_ERROR(ranged.status());
  return StreamedResponse(std::move(*ranged), true);
}

Result<HttpResponse> HandleDeleteContent(RecordCall& call) {
  XRONOX_ASSIGN_OR_RETURN(
      WriteOptions write,
      WriteOptionsFromRequest(call.request, {.if_match = true}, call.principal));
  XRONOX_ASSIGN_OR_RETURN(WriteResult result,
                          call.collection.DeleteContent(call.route.id, call.route.property, write));
  HttpResponse response =
      result.record ? RecordResponse(200, *result.record)
                    : JsonResponse(200, Json{{"id", result.id}, {"version", result.version}});
  response.headers["ETag"] = ETagFor(result.version);
  return response;
}

}  // namespace xronox::server
