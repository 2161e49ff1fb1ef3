// Query: the filter's predicates on indexed properties go to the hot store; every predicate
// is then checked on the record's data, so results are exact whatever the pushdown did.
#include <algorithm>

#include "common/ids.h"
#include "common/json_codec.h"
#include "common/memory_reserve.h"
#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/filter.h"

namespace xronox {

namespace {

constexpr int kScanBatch = 256;

std::string EncodeCursor(const std::string& id) { return EncodeHexCursor('q', id); }

Result<std::string> DecodeCursor(const std::string& cursor) {
  std::optional<std::string> id = DecodeHexCursor('q', cursor, 600);
  if (!id) return InvalidArgument("invalid query cursor");
  return *id;
}

struct ParsedQuery {
  Filter filter;
  store::IdRange range;  // The ids left to scan, in the query's order.
  // Past the record `id`: the scan goes on beyond it in the query's order.
  void Past(const std::string& id) {
    (range.order == store::Order::kAscending ? range.after_id : range.before_id) = id;
  }
};

// A time range on logs: their ids begin with the millisecond they were appended at, so the ids
// after the prefix of `from` are those of then or later, and the ids before the prefix of `to`
// those of earlier (a prefix sorts before every id that extends it).
Status SetTimeRange(const Binding& b, const QueryOptions& options, store::IdRange& range) {
  if (!options.from && !options.to) return Status::Ok();
  if (!b.append_only) {
    return InvalidArgument(
               "from and to select log entries by the time their ids carry; ids of other types "
               "are chosen by their writers")
        .WithReason("invalid_query");
  }
  if (options.from && options.to && *options.from > *options.to) {
    return InvalidArgument("from must not be later than to").WithReason("invalid_query");
  }
  if (options.from) range.after_id = RecordIdTimePrefix(*options.from);
  if (options.to) range.before_id = RecordIdTimePrefix(*options.to);
  return Status::Ok();
}

Result<ParsedQuery> ParseQuery(const Binding& b, const Json& filter_json,
                               const QueryOptions& options) {
  if (options.limit < 1 || options.limit > 1000) {
    return InvalidArgument("query limit must be between 1 and 1000");
  }
  ParsedQuery parsed;
  XRONOX_ASSIGN_OR_RETURN(parsed.filter, ParseFilter(filter_json));
  parsed.range.order = options.newest_first ? store::Order::kDescending : store::Order::kAscending;
  XRONOX_RETURN_IF_ERROR(SetTimeRange(b, options, parsed.range));
  if (!options.cursor.empty()) {
    XRONOX_ASSIGN_OR_RETURN(std::string past, DecodeCursor(options.cursor));
    parsed.Past(past);
  }
  return parsed;
}

// Whether a record read with or without raw data satisfies the filter: raw data is parsed for
// the check alone and dropped.
Result<bool> RecordMatches(const Filter& filter, const Record& record) {
  if (record.data_text.empty() || filter.fields.empty()) return Matches(filter, record.data);
  Json data = Json::parse(record.data_text, nullptr, /*allow_exceptions=*/false);
  ReleaseOnExit release(data);
  if (data.is_discarded()) return Corruption("stored data of '" + record.id + "' is not JSON");
  return Matches(filter, data);
}

// The bytes a record adds to a page's answer (its data; the rest is small).
size_t PageBytes(const Record& record) {
  return record.data_text.empty() ? 0 : record.data_text.size();
}

}  // namespace

Status Engine::ValidateQuery(const Binding& b, const Json& filter, const QueryOptions& options) {
  if (options.as_of && !b.versioned) return NotVersioned(b, "a query as of a time");
  return ParseQuery(b, filter, options).status();
}

// The record `head` holds for the query: now, or as it was at the query's instant (nullopt when
// it was not live then).
Result<std::optional<Record>> Engine::QueriedRecord(const Binding& b, const store::HeadRow& head,
                                                    const QueryOptions& options) {
  if (options.as_of) return RecordAsOf(b, head, *options.as_of, options.raw_data);
  XRONOX_ASSIGN_OR_RETURN(Record record, RecordFromHead(b, head, options.raw_data));
  return std::optional<Record>(std::move(record));
}

// A page stops after kMaxExaminedPerPage records or kMaxScanMicrosPerPage, whatever matched,
// with `next` after the last record examined, so that a filter matching nothing in a large
// collection costs a bounded amount of work per request (the client follows `next`). With raw data
// it also stops once its records' data passed kMaxPageBytes, so that its answer's size is bounded
// too.
Result<QueryPage> Engine::Query(const Binding& b, const Json& filter_json,
                                const QueryOptions& options) {
  XRONOX_RETURN_IF_ERROR(ValidateQuery(b, filter_json, options));
  XRONOX_ASSIGN_OR_RETURN(ParsedQuery query, ParseQuery(b, filter_json, options));
  std::string last_examined;
  // Indexed values are those of the current heads: a query as of an instant checks every record.
  std::vector<store::Condition> conditions;
  if (!options.as_of) conditions = PushdownConditions(query.filter, b.indexed_props);
  const bool with_deleted = options.as_of.has_value();
  QueryPage page;
  int examined = 0;
  size_t page_bytes = 0;
  const TimestampMicros deadline = clock_->NowMicros() + kMaxScanMicrosPerPage;
  while (true) {
    int batch = std::min(kScanBatch, kMaxExaminedPerPage - examined + 1);
    XRONOX_ASSIGN_OR_RETURN(auto heads,
                            b.hot->ScanHeads(b.ref, query.range, batch, conditions, with_deleted));
    for (const auto& head : heads) {
      if (examined == kMaxExaminedPerPage || (examined > 0 && clock_->NowMicros() >= deadline)) {
        page.next = EncodeCursor(last_examined);
        return page;
      }
      ++examined;
      XRONOX_RETURN_IF_ERROR(CheckMemory());
      last_examined = head.id;
      query.Past(head.id);
      XRONOX_ASSIGN_OR_RETURN(std::optional<Record> found, QueriedRecord(b, head, options));
      if (!found) continue;
      Record& record = *found;
      XRONOX_ASSIGN_OR_RETURN(bool matches, RecordMatches(query.filter, record));
      if (!matches) continue;
      if (static_cast<int>(page.records.size()) == options.limit || page_bytes >= kMaxPageBytes) {
        page.next = EncodeCursor(page.records.back().id);
        return page;
      }
      page_bytes += PageBytes(record);
      page.records.push_back(std::move(record));
    }
    if (static_cast<int>(heads.size()) < batch) return page;
  }
}

}  // namespace xronox
