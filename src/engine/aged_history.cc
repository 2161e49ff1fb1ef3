#include "engine/aged_history.h"

#include "common/json_codec.h"
#include "engine/keys.h"

namespace xronox {

namespace {

// Every mark has this owner: marks are written by whichever run holds the collection's lease.
constexpr const char* kMarkOwner = "retention";

}  // namespace

Result<AgedMark> ReadAgedMark(const Binding& b, const std::string& id) {
  XRONOX_ASSIGN_OR_RETURN(auto claim, b.hot->GetClaim(b.ref, AgedHistoryKey(id)));
  AgedMark mark;
  if (!claim) return mark;
  Json body = Json::parse(claim->body, nullptr, /*allow_exceptions=*/false);
  auto through = body.is_object() ? body.find("through") : body.end();
  if (through == body.end() || !through->is_number_integer()) {
    return Corruption("retention mark of '" + id + "' is malformed");
  }
  mark.through = through->get<int64_t>();
  mark.from = body.value("from", int64_t{0});
  mark.removing = body.value("state", "") == "removing";
  mark.stored = true;
  return mark;
}

Status WriteAgedMark(const Binding& b, const std::string& id, const AgedMark& mark) {
  Json body = {{"through", mark.through},
               {"from", mark.from},
               {"state", mark.removing ? "removing" : "done"}};
  store::ClaimRow claim{AgedHistoryKey(id), kMarkOwner, 0, body.dump()};
  if (mark.stored) return b.hot->UpdateClaim(b.ref, claim);
  return b.hot->InsertClaim(b.ref, claim);
}

Result<std::optional<VersionSkeleton>> ReadSkeleton(const Binding& b, const std::string& id,
                                                    int64_t version) {
  auto bytes = b.objects->Get(b.database.buckets.versions, SkeletonKey(b, id, version));
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) return std::optional<VersionSkeleton>();
    return bytes.status();
  }
  XRONOX_ASSIGN_OR_RETURN(VersionSkeleton skeleton, DecodeSkeleton(*bytes));
  return std::optional<VersionSkeleton>(std::move(skeleton));
}

Status PayloadRemoved(const std::string& id, int64_t version) {
  return NotFound("version " + std::to_string(version) + " of '" + id +
                  "' is past its collection's history retention: its payload was removed (its "
                  "audit entry remains in the history)")
      .WithReason(kPayloadRemoved);
}

}  // namespace xronox
