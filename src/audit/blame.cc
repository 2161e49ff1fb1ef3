#include "audit/blame.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "engine/json_diff.h"
#include "engine/projection.h"

namespace xronox {

namespace {

// History pages read while walking back; a walk reads one payload per entry anyway.
constexpr int kHistoryPage = 200;

// One leaf of the current data: the tokens of its path, its JSON Pointer and its value.
struct Leaf {
  std::vector<std::string> tokens;
  std::string pointer;
  const Json* value = nullptr;
  size_t order = 0;  // Its place among the leaves.
};

std::string Pointer(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& token : tokens) out += "/" + EscapePointer(token);
  return out;
}

// Every leaf under `value`: scalars, and objects or arrays with nothing in them. Depth is
// bounded by the parser's nesting limit on every stored record.
void CollectLeaves(const Json& value, std::vector<std::string>& tokens, std::vector<Leaf>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, child] : value.items()) {
      tokens.push_back(key);
      CollectLeaves(child, tokens, out);
      tokens.pop_back();
    }
    return;
  }
  if (value.is_array() && !value.empty()) {
    for (size_t i = 0; i < value.size(); ++i) {
      tokens.push_back(std::to_string(i));
      CollectLeaves(value[i], tokens, out);
      tokens.pop_back();
    }
    return;
  }
  out.push_back({tokens, Pointer(tokens), &value, out.size()});
}

// The array index a token names: decimal digits without a leading zero, below `size`.
std::optional<size_t> ArrayIndex(const std::string& token, size_t size) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) {
    return std::nullopt;
  }
  if (!std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  size_t index = std::stoul(token);
  if (index >= size) return std::nullopt;
  return index;
}

// The value at `tokens` under `root`, or null when the path leads nowhere there.
const Json* ValueAt(const Json& root, const std::vector<std::string>& tokens) {
  const Json* at = &root;
  for (const std::string& token : tokens) {
    if (at->is_object()) {
      auto found = at->find(token);
      if (found == at->end()) return nullptr;
      at = &*found;
    } else if (at->is_array()) {
      std::optional<size_t> index = ArrayIndex(token, at->size());
      if (!index) return nullptr;
      at = &(*at)[*index];
    } else {
      return nullptr;
    }
  }
  return at;
}

FieldBlame BlameOf(const Leaf& leaf, const VersionInfo& info) {
  return {leaf.pointer, info.version, info.op, info.actor, info.reason, info.on_behalf_of, info.at};
}

// The walk: `newer` is the version that leaves still pending are given to when the version
// before it held something else at their path.
class BlameWalk {
 public:
  BlameWalk(Engine& engine, const Binding& b, const std::string& id, const BlameOptions& options,
            BlameReport& report)
      : engine_(engine), b_(b), id_(id), options_(options), report_(report) {}

  // Blames the leaves of `current`; report_.fields ends in leaf order.
  Status Run(const Record& current) {
    std::vector<std::string> tokens;
    if (!(current.data.is_object() && current.data.empty())) {
      CollectLeaves(current.data, tokens, pending_);
    }
    XRONOX_RETURN_IF_ERROR(Walk(current));
    std::sort(attributed_.begin(), attributed_.end(),
              [](const auto& a, const auto& c) { return a.first < c.first; });
    for (auto& [order, field] : attributed_) report_.fields.push_back(std::move(field));
    return Status::Ok();
  }

 private:
  Status Walk(const Record& current) {
    report_.versions_read = 1;
    std::optional<VersionInfo> newer;
    HistoryOptions page_options;
    page_options.limit = kHistoryPage;
    while (!pending_.empty()) {
      XRONOX_ASSIGN_OR_RETURN(HistoryPage page, engine_.History(b_, id_, page_options));
      for (const VersionInfo& info : page.versions) {
        if (info.version > current.version) continue;  // Written after the current was read.
        if (!newer) {
          newer = info;
          continue;
        }
        XRONOX_ASSIGN_OR_RETURN(bool go_on, Step(*newer, info));
        if (!go_on) return Status::Ok();
        newer = info;
      }
      if (!page.next) break;
      page_options.cursor = *page.next;
    }
    // The oldest version (the record's creation) set whatever is still pending.
    if (newer) GiveAll(*newer);
    return Status::Ok();
  }

  // Compare `newer`'s leaves with the version before it, `older`; false when the walk stops.
  Result<bool> Step(const VersionInfo& newer, const VersionInfo& older) {
    if (pending_.empty()) return false;
    if (older.payload_removed) return Stop("payload_removed");
    if (report_.versions_read >= options_.max_versions) return Stop("max_versions");
    Json older_data;  // Null: a deletion left nothing there.
    if (older.op != Operation::kDelete) {
      GetOptions get;
      get.version = older.version;
      Result<Record> read = engine_.Get(b_, id_, get);
      if (!read.ok() && read.status().reason() == "payload_removed") return Stop("payload_removed");
      XRONOX_RETURN_IF_ERROR(read.status());
      older_data = std::move(read->data);
      ++report_.versions_read;
    }
    std::vector<Leaf> still;
    for (Leaf& leaf : pending_) {
      const Json* was = ValueAt(older_data, leaf.tokens);
      if (was == nullptr || *was != *leaf.value) {
        attributed_.emplace_back(leaf.order, BlameOf(leaf, newer));
      } else {
        still.push_back(std::move(leaf));
      }
    }
    pending_ = std::move(still);
    return !pending_.empty();
  }

  bool Stop(const std::string& why) {
    report_.stopped = why;
    for (const Leaf& leaf : pending_) report_.unattributed.push_back(leaf.pointer);
    pending_.clear();
    return false;
  }

  void GiveAll(const VersionInfo& info) {
    for (const Leaf& leaf : pending_) attributed_.emplace_back(leaf.order, BlameOf(leaf, info));
    pending_.clear();
  }

  Engine& engine_;
  const Binding& b_;
  const std::string& id_;
  const BlameOptions& options_;
  BlameReport& report_;
  std::vector<Leaf> pending_;  // In leaf order; each is given to one version.
  std::vector<std::pair<size_t, FieldBlame>> attributed_;  // By leaf order once sorted.
};

}  // namespace

Status CheckBlame(const Binding& b, const BlameOptions& options) {
  if (!b.versioned) {
    return NotSupported("blame reads a record's version history, which only runtime keeps")
        .WithReason("not_versioned");
  }
  if (options.max_versions < 1 || options.max_versions > kMaxBlameVersions) {
    return InvalidArgument("max versions must be 1.." + std::to_string(kMaxBlameVersions) +
                           ", got " + std::to_string(options.max_versions));
  }
  return Status::Ok();
}

Result<BlameReport> BlameRecord(Engine& engine, const Binding& b, const std::string& id,
                                const BlameOptions& options) {
  XRONOX_RETURN_IF_ERROR(CheckBlame(b, options));
  XRONOX_ASSIGN_OR_RETURN(Record current, engine.Get(b, id, {}));
  HideFields(current.data, b.hidden_fields);  // Never blamed: docs/formats/hidden-fields.md.
  BlameReport report;
  report.id = id;
  report.version = current.version;
  BlameWalk walk(engine, b, id, options, report);
  XRONOX_RETURN_IF_ERROR(walk.Run(current));
  return report;
}

Json BlameReportToJson(const BlameReport& report) {
  Json fields = Json::array();
  for (const FieldBlame& field : report.fields) {
    Json entry = {
        {"path", field.path},   {"version", field.version}, {"op", OperationName(field.op)},
        {"actor", field.actor}, {"reason", field.reason},   {"at", FormatRfc3339(field.at)}};
    if (!field.on_behalf_of.empty()) entry["onBehalfOf"] = field.on_behalf_of;
    fields.push_back(std::move(entry));
  }
  return Json{{"id", report.id},
              {"version", report.version},
              {"fields", std::move(fields)},
              {"unattributed", report.unattributed},
              {"versionsRead", report.versions_read},
              {"stopped", report.stopped.empty() ? Json(nullptr) : Json(report.stopped)}};
}

}  // namespace xronox
