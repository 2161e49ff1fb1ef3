#include "audit/version_query.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/clock.h"
#include "common/ids.h"
#include "common/names.h"
#include "engine/projection.h"

namespace xronox {

namespace {

// Where a page ended: its last version, and the collection that holds it.
struct PagePosition {
  TimestampMicros at = 0;
  std::string collection;
  std::string id;
  int64_t version = 0;
};

Status InvalidQuery(const std::string& what) {
  return InvalidArgument(what).WithReason("invalid_query");
}

// 'a' and the hex of the JSON array [at, collection, id, version].
std::string EncodeCursor(const PagePosition& p) {
  return EncodeHexCursor('a', Json::array({p.at, p.collection, p.id, p.version}).dump());
}

Result<std::optional<PagePosition>> DecodeCursor(const std::string& cursor) {
  if (cursor.empty()) return std::optional<PagePosition>();
  std::optional<std::string> text = DecodeHexCursor('a', cursor, 2048);
  if (!text) return InvalidQuery("invalid versions cursor");
  Json parts = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  bool valid = parts.is_array() && parts.size() == 4 && parts[0].is_number_integer() &&
               parts[1].is_string() && parts[2].is_string() && parts[3].is_number_integer();
  if (!valid) return InvalidQuery("invalid versions cursor");
  return std::optional<PagePosition>(
      PagePosition{parts[0].get<int64_t>(), parts[1].get<std::string>(),
                   parts[2].get<std::string>(), parts[3].get<int64_t>()});
}

// A dotted path ("address.city") as a JSON Pointer ("/address/city"); a pointer as it is.
std::string FieldPointer(const std::string& field) {
  if (field.empty() || field.front() == '/') return field;
  std::string pointer;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    pointer +=
        "/" + EscapePointer(field.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) return pointer;
    start = dot + 1;
  }
}

// The position in one collection's scan after which its versions follow `page` in the merged
// order (time, collection, id, version, descending).
std::optional<store::VersionPosition> PositionIn(const std::string& collection,
                                                 const std::optional<PagePosition>& page) {
  if (!page) return std::nullopt;
  if (collection == page->collection) {
    return store::VersionPosition{page->at, page->id, page->version};
  }
  // A collection after the page's in the merged order holds its versions of the same instant
  // too (at <= page.at); one before it, only older ones (at < page.at).
  if (collection < page->collection) return store::VersionPosition{page->at + 1, "", 0};
  return store::VersionPosition{page->at, "", 0};
}

}  // namespace

Status CheckVersionQuery(const Binding& b, const VersionQuery& query) {
  if (!b.versioned) {
    return NotSupported("a version query reads version history, which only runtime keeps")
        .WithReason("not_versioned");
  }
  if (query.limit < 1 || query.limit > kMaxVersionsPage) {
    return InvalidQuery("versions limit must be between 1 and " + std::to_string(kMaxVersionsPage));
  }
  if (query.from && query.to && *query.from > *query.to) {
    return InvalidQuery("from must not be later than to");
  }
  if ((query.from && *query.from <= 0) || (query.to && *query.to <= 0)) {
    return InvalidQuery("from and to must be after 1970-01-01T00:00:00Z");
  }
  std::string field = FieldPointer(query.field);
  if (field.size() > 1024 || query.actor.size() > 1024) {
    return InvalidQuery("a versions field or actor is at most 1024 bytes");
  }
  if (!field.empty() && IsHiddenPointer(field, b.hidden_fields)) {
    return InvalidArgument("'" + query.field + "' is a hidden field; a query may not name it")
        .WithReason("hidden_field");
  }
  return DecodeCursor(query.cursor).status();
}

Result<VersionsPage> QueryVersions(const std::vector<const Binding*>& bindings,
                                   const VersionQuery& query) {
  for (const Binding* b : bindings) XRONOX_RETURN_IF_ERROR(CheckVersionQuery(*b, query));
  XRONOX_ASSIGN_OR_RETURN(std::optional<PagePosition> after, DecodeCursor(query.cursor));
  store::VersionFilter filter{query.actor, query.from.value_or(0), query.to.value_or(0),
                              FieldPointer(query.field)};
  struct Found {
    const Binding* binding;
    store::VersionRow row;
  };
  std::vector<Found> found;
  for (const Binding* b : bindings) {
    XRONOX_ASSIGN_OR_RETURN(
        std::vector<store::VersionRow> rows,
        b->hot->ScanVersions(b->ref, filter, PositionIn(b->ref.collection, after),
                             query.limit + 1));
    for (store::VersionRow& row : rows) found.push_back({b, std::move(row)});
  }
  auto newer = [](const Found& x, const Found& y) {
    return std::tie(x.row.at, x.binding->ref.collection, x.row.id, x.row.version) >
           std::tie(y.row.at, y.binding->ref.collection, y.row.id, y.row.version);
  };
  std::sort(found.begin(), found.end(), newer);
  VersionsPage page;
  for (size_t i = 0; i < found.size() && static_cast<int>(i) < query.limit; ++i) {
    const Binding& b = *found[i].binding;
    AuditedVersion version{b.ref.collection, found[i].row.id, InfoFromRow(found[i].row)};
    HideChangedFields(version.info.changed_fields, b.hidden_fields);
    page.versions.push_back(std::move(version));
  }
  if (static_cast<int>(found.size()) > query.limit) {
    const AuditedVersion& last = page.versions.back();
    page.next = EncodeCursor({last.info.at, last.collection, last.id, last.info.version});
  }
  return page;
}

Json VersionsPageToJson(const VersionsPage& page) {
  Json versions = Json::array();
  for (const AuditedVersion& version : page.versions) {
    Json entry = {{"collection", version.collection}, {"id", version.id}};
    entry.update(VersionInfoToJson(version.info));
    versions.push_back(std::move(entry));
  }
  return Json{{"versions", std::move(versions)},
              {"next", page.next ? Json(*page.next) : Json(nullptr)}};
}

}  // namespace xronox
