// Idempotency keys: a claim "idem:{key}" in the collection's locks records the request's
// hash while the write runs and its result once it succeeded. A retry with the same key and
// body returns that result; with another body it is refused.
#include "common/hash.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"

namespace xronox {

namespace {

// What makes two requests with one idempotency key the same request: the write itself and its
// audit entry (actor, on-behalf-of, reason), so that a replay by another principal, or with
// another reason, is refused (idempotency_mismatch) instead of answered with the first
// caller's result while its own audit entry is dropped. The body is hashed from its text, not
// copied into the request object.
std::string RequestHash(const std::string& id, const WriteIntent& intent,
                        const WriteOptions& options) {
  Json request = {{"kind", static_cast<int>(intent.kind)},
                  // A create's id is generated per attempt, so it is not part of the request.
                  {"id", intent.kind == WriteIntent::Kind::kCreate ? "" : id},
                  {"restore", intent.restore_version},
                  {"expected", options.expected_version ? Json(*options.expected_version) : Json()},
                  {"createOnly", options.create_only},
                  {"actor", options.actor},
                  {"onBehalfOf", options.on_behalf_of},
                  {"reason", options.reason}};
  return Sha256Hex(request.dump() + "\n" + intent.body.dump());
}

Result<WriteResult> ResultFromBody(const Json& body) {
  try {
    return WriteResult{body.at("id").get<std::string>(), body.at("version").get<int64_t>(),
                       body.at("created").get<bool>(), std::nullopt};
  } catch (const Json::exception& e) {
    return Corruption(std::string("idempotency record is malformed: ") + e.what());
  }
}

}  // namespace

// A replayed result carries the record as that write left it: the exact version on runtime,
// the current record elsewhere if it is still that version.
Result<WriteResult> Engine::WithRecord(const Binding& b, WriteResult result, bool raw_data) {
  GetOptions options;
  if (b.versioned) options.version = result.version;
  options.raw_data = raw_data;
  auto record = Get(b, result.id, options);
  if (record.ok() && record->version == result.version) {
    result.record = std::move(record).value();
  } else if (!record.ok() && record.status().code() != StatusCode::kNotFound) {
    return record.status();
  }
  return result;
}

Result<WriteResult> Engine::WriteIdempotent(const Binding& b, const std::string& id,
                                            const WriteIntent& intent,
                                            const WriteOptions& options) {
  const std::string request = RequestHash(id, intent, options);
  store::ClaimRow claim{"idem:" + options.idempotency_key, RandomHex(8), clock_->NowMicros(),
                        Json{{"request", request}, {"state", "pending"}, {"id", id}}.dump()};
  std::string write_id = id;
  Status inserted = b.hot->InsertClaim(b.ref, claim);
  if (inserted.code() == StatusCode::kAlreadyExists) {
    XRONOX_ASSIGN_OR_RETURN(auto existing, b.hot->GetClaim(b.ref, claim.key));
    if (!existing) return Conflict("idempotency key changed hands; retry").WithReason(kLostRace);
    Json body = Json::parse(existing->body, nullptr, false);
    if (!body.is_object()) return Corruption("idempotency record is malformed");
    if (body.value("request", "") != request) {
      return Conflict("idempotency key was used with a different request")
          .WithReason("idempotency_mismatch");
    }
    if (body.value("state", "") == "done") {
      XRONOX_ASSIGN_OR_RETURN(WriteResult done, ResultFromBody(body));
      return WithRecord(b, std::move(done), options.raw_data);
    }
    bool stale = existing->at < clock_->NowMicros() - options_.claim_lease_seconds * 1'000'000;
    if (!stale) {
      return Conflict("a request with this idempotency key is in progress")
          .WithReason("idempotency_in_progress");
    }
    // The earlier attempt died. Take its claim over and finish the same write.
    write_id = body.value("id", id);
    XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim.key, existing->owner));
    claim.body = Json{{"request", request}, {"state", "pending"}, {"id", write_id}}.dump();
    XRONOX_RETURN_IF_ERROR(b.hot->InsertClaim(b.ref, claim));
    if (b.versioned) {
      XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, write_id));
      if (head) {
        XRONOX_ASSIGN_OR_RETURN(auto row, b.hot->GetVersion(b.ref, write_id, head->version));
        if (row && row->idempotency_key == options.idempotency_key) {
          WriteResult done{write_id, head->version, head->version == 0, std::nullopt};
          claim.body = Json{{"request", request},
                            {"state", "done"},
                            {"id", done.id},
                            {"version", done.version},
                            {"created", done.created}}
                           .dump();
          XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim));
          return WithRecord(b, std::move(done), options.raw_data);
        }
      }
    }
  } else {
    XRONOX_RETURN_IF_ERROR(inserted);
  }
  auto result = WriteWithRetries(b, write_id, intent, options);
  if (!result.ok()) {
    XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim.key, claim.owner));
    return result;
  }
  claim.body = Json{{"request", request},
                    {"state", "done"},
                    {"id", result->id},
                    {"version", result->version},
                    {"created", result->created}}
                   .dump();
  XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim));
  return result;
}

}  // namespace xronox
