// Idempotency keys: a claim in the collection's locks records the request's hash while the
// write runs and its result once it succeeded. A retry with the same key and request returns
// that result; with another request it is refused. Each actor (the API key's principal when
// keys are on) has its own key space: "idk:{32 hex of sha256(actor)}:{key}". Claims of the
// earlier shared key space ("idem:{key}") are still honoured, and moved into the writer's
// space by the first retry that matches them (docs/formats/storage-layout.md).
#include "common/hash.h"
#include "common/ids.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// What makes two requests with one idempotency key the same request: the write itself and its
// audit entry (actor, on-behalf-of, reason), so that a replay with another reason or on behalf
// of someone else is refused (idempotency_mismatch) instead of answered with the first
// request's result while its own audit entry is dropped. The body is hashed from its text, not
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

// The claim body (docs/formats/storage-layout.md, {c}_locks): {"request", "state", "id", ...}.
constexpr char kPendingState[] = "pending";
constexpr char kDoneState[] = "done";

std::string PendingBody(const std::string& request, const std::string& id) {
  return Json{{"request", request}, {"state", kPendingState}, {"id", id}}.dump();
}

std::string DoneBody(const std::string& request, const WriteResult& result) {
  Json body = {{"request", request},
               {"state", kDoneState},
               {"id", result.id},
               {"version", result.version},
               {"created", result.created}};
  if (result.unchanged) body["unchanged"] = true;
  return body.dump();
}

Result<WriteResult> ResultFromBody(const Json& body) {
  try {
    return WriteResult{body.at("id").get<std::string>(), body.at("version").get<int64_t>(),
                       body.at("created").get<bool>(), body.value("unchanged", false),
                       std::nullopt};
  } catch (const Json::exception& e) {
    return Corruption(std::string("idempotency record is malformed: ") + e.what());
  }
}

}  // namespace

bool IsDoneIdempotencyClaim(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, false);
  return parsed.is_object() && parsed.value("state", "") == kDoneState;
}

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
  IdempotencyClaim claim{{IdempotencyClaimKey(options.actor, options.idempotency_key), RandomHex(8),
                          clock_->NowMicros(), PendingBody(request, id)},
                         request,
                         id};
  Status inserted = b.hot->InsertClaim(b.ref, claim.row);
  std::optional<store::ClaimRow> earlier;
  if (inserted.code() == StatusCode::kAlreadyExists) {
    XRONOX_ASSIGN_OR_RETURN(earlier, b.hot->GetClaim(b.ref, claim.row.key));
    if (!earlier) return LostRace("idempotency key changed hands; retry");
  } else {
    XRONOX_RETURN_IF_ERROR(inserted);
    claim.held = true;
    XRONOX_ASSIGN_OR_RETURN(
        earlier, b.hot->GetClaim(b.ref, LegacyIdempotencyClaimKey(options.idempotency_key)));
  }
  if (earlier) {
    auto settled = SettleEarlierClaim(b, claim, *earlier, options);
    if (!settled.ok() && claim.held)
      (void)b.hot->DeleteClaim(b.ref, claim.row.key, claim.row.owner);
    XRONOX_RETURN_IF_ERROR(settled.status());
    if (*settled) return WithRecord(b, std::move(**settled), options.raw_data);
  }
  auto result = WriteWithRetries(b, claim.write_id, intent, options);
  if (!result.ok()) {
    XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, claim.row.key, claim.row.owner));
    return result;
  }
  claim.row.body = DoneBody(request, *result);
  XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim.row));
  return result;
}

// An earlier claim for the key: its result when it is done with the same request, a refusal
// when it is another request or still running, and nothing (write on) when its writer died, in
// which case `claim` is held and names the record that writer was writing.
Result<std::optional<WriteResult>> Engine::SettleEarlierClaim(const Binding& b,
                                                              IdempotencyClaim& claim,
                                                              const store::ClaimRow& earlier,
                                                              const WriteOptions& options) {
  Json body = Json::parse(earlier.body, nullptr, false);
  if (!body.is_object()) return Corruption("idempotency record is malformed");
  if (body.value("request", "") != claim.request) {
    return Conflict("idempotency key was used with a different request")
        .WithReason("idempotency_mismatch");
  }
  if (body.value("state", "") == kDoneState) {
    XRONOX_ASSIGN_OR_RETURN(WriteResult done, ResultFromBody(body));
    if (claim.held) {  // A claim of the shared key space moves into this actor's.
      claim.row.body = earlier.body;
      XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim.row));
      XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, earlier.key, earlier.owner));
    }
    return std::optional<WriteResult>(std::move(done));
  }
  if (!LeaseExpired(earlier.at)) {
    return Conflict("a request with this idempotency key is in progress")
        .WithReason("idempotency_in_progress");
  }
  // The earlier attempt died. Take its claim over and finish the same write.
  claim.write_id = body.value("id", claim.write_id);
  claim.row.body = PendingBody(claim.request, claim.write_id);
  XRONOX_RETURN_IF_ERROR(b.hot->DeleteClaim(b.ref, earlier.key, earlier.owner));
  if (claim.held) {
    XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim.row));
  } else {
    XRONOX_RETURN_IF_ERROR(b.hot->InsertClaim(b.ref, claim.row));
    claim.held = true;
  }
  return FinishedByEarlierAttempt(b, claim, options);
}

// On runtime, the dead attempt may have committed its version before it could record the
// result: the head's version row carries its key and actor. Record that result.
Result<std::optional<WriteResult>> Engine::FinishedByEarlierAttempt(const Binding& b,
                                                                    IdempotencyClaim& claim,
                                                                    const WriteOptions& options) {
  if (!b.versioned) return std::optional<WriteResult>();
  XRONOX_ASSIGN_OR_RETURN(auto head, b.hot->GetHead(b.ref, claim.write_id));
  if (!head) return std::optional<WriteResult>();
  XRONOX_ASSIGN_OR_RETURN(auto row, b.hot->GetVersion(b.ref, claim.write_id, head->version));
  if (!row || row->idempotency_key != options.idempotency_key || row->actor != options.actor) {
    return std::optional<WriteResult>();
  }
  WriteResult done{claim.write_id, head->version, head->version == 0, false, std::nullopt};
  claim.row.body = DoneBody(claim.request, done);
  XRONOX_RETURN_IF_ERROR(b.hot->UpdateClaim(b.ref, claim.row));
  return std::optional<WriteResult>(std::move(done));
}

}  // namespace xronox
