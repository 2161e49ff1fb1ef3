// Query: the filter's predicates on indexed properties go to the hot store; every predicate
// is then checked on the record's data, so results are exact whatever the pushdown did.
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/filter.h"

namespace xronox {

namespace {

constexpr int kScanBatch = 256;

std::string EncodeCursor(const std::string& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "q";
  for (unsigned char c : id) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

Result<std::string> DecodeCursor(const std::string& cursor) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (cursor.empty() || cursor[0] != 'q' || cursor.size() % 2 == 0 || cursor.size() > 600) {
    return InvalidArgument("invalid query cursor");
  }
  std::string id;
  for (size_t i = 1; i < cursor.size(); i += 2) {
    int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("invalid query cursor");
    id += static_cast<char>(hi * 16 + lo);
  }
  return id;
}

}  // namespace

Result<QueryPage> Engine::Query(const Binding& b, const Json& filter_json,
                                const QueryOptions& options) {
  if (options.limit < 1 || options.limit > 1000) {
    return InvalidArgument("query limit must be between 1 and 1000");
  }
  XRONOX_ASSIGN_OR_RETURN(Filter filter, ParseFilter(filter_json));
  std::string after;
  if (!options.cursor.empty()) {
    XRONOX_ASSIGN_OR_RETURN(after, DecodeCursor(options.cursor));
  }
  std::vector<store::Condition> conditions = PushdownConditions(filter, b.indexed_props);
  QueryPage page;
  while (true) {
    XRONOX_ASSIGN_OR_RETURN(auto heads,
                            b.hot->ScanHeads(b.ref, after, kScanBatch, conditions, false));
    for (const auto& head : heads) {
      after = head.id;
      XRONOX_ASSIGN_OR_RETURN(Record record, RecordFromHead(b, head));
      if (!Matches(filter, record.data)) continue;
      if (static_cast<int>(page.records.size()) == options.limit) {
        page.next = EncodeCursor(page.records.back().id);
        return page;
      }
      page.records.push_back(std::move(record));
    }
    if (static_cast<int>(heads.size()) < kScanBatch) return page;
  }
}

}  // namespace xronox
