#include "engine/head_json.h"

namespace xronox {

Json HeadRowToJson(const store::HeadRow& h) {
  return {{"id", h.id},
          {"version", h.version},
          {"deleted", h.deleted},
          {"data", h.data},
          {"payloadKey", h.payload_key},
          {"payloadHash", h.payload_hash},
          {"createdAt", h.created_at},
          {"updatedAt", h.updated_at},
          {"actor", h.actor},
          {"reason", h.reason},
          {"onBehalfOf", h.on_behalf_of},
          {"indexed", h.indexed},
          {"tally", {h.tally.created, h.tally.updated, h.tally.deleted}},
          {"countsDelta",
           {h.counts_delta.created, h.counts_delta.updated, h.counts_delta.deleted,
            h.counts_delta.live}}};
}

Result<store::HeadRow> HeadRowFromJson(const Json& j) {
  try {
    store::HeadRow h;
    h.id = j.at("id").get<std::string>();
    h.version = j.at("version").get<int64_t>();
    h.deleted = j.at("deleted").get<bool>();
    h.data = j.at("data").get<std::string>();
    h.payload_key = j.at("payloadKey").get<std::string>();
    h.payload_hash = j.at("payloadHash").get<std::string>();
    h.created_at = j.at("createdAt").get<int64_t>();
    h.updated_at = j.at("updatedAt").get<int64_t>();
    h.actor = j.at("actor").get<std::string>();
    h.reason = j.at("reason").get<std::string>();
    h.on_behalf_of = j.value("onBehalfOf", "");
    h.indexed = j.at("indexed").get<std::string>();
    // Absent from claims written before heads kept tallies: unknown tally, no counts.
    auto tally = j.value("tally", std::vector<int64_t>{-1, 0, 0});
    auto delta = j.value("countsDelta", std::vector<int64_t>{0, 0, 0, 0});
    if (tally.size() != 3 || delta.size() != 4) return Corruption("malformed head counts");
    h.tally = {tally[0], tally[1], tally[2]};
    h.counts_delta = {delta[0], delta[1], delta[2], delta[3]};
    return h;
  } catch (const Json::exception& e) {
    return Corruption(std::string("malformed head: ") + e.what());
  }
}

}  // namespace xronox
