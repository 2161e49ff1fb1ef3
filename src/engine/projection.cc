#include "engine/projection.h"

#include "common/json_codec.h"
#include "common/names.h"
#include "engine/version_object.h"

namespace xronox {

Status CheckProjection(const std::vector<std::string>& fields) {
  if (fields.size() > kMaxProjectedFields) {
    return InvalidArgument("a projection names at most " + std::to_string(kMaxProjectedFields) +
                           " fields")
        .WithReason("invalid_query");
  }
  for (const std::string& field : fields) {
    bool empty_name = field.empty() || field.front() == '.' || field.back() == '.' ||
                      field.find("..") != std::string::npos;
    if (empty_name || field.size() > 256) {
      return InvalidArgument(
                 "a projected field is a dotted path of 1 to 256 bytes, e.g. "
                 "address.city, without empty names")
          .WithReason("invalid_query");
    }
  }
  return Status::Ok();
}

Json Project(const Json& data, const std::vector<std::string>& fields) {
  if (fields.empty() || !data.is_object()) return data;
  Json projected = Json::object();
  for (const std::string& field : fields) {
    const Json* value = FindPath(data, field);
    if (value == nullptr) continue;
    Json* node = &projected;
    size_t start = 0;
    for (size_t dot = field.find('.'); dot != std::string::npos; dot = field.find('.', start)) {
      Json& child = (*node)[field.substr(start, dot - start)];
      if (!child.is_object()) child = Json::object();
      node = &child;
      start = dot + 1;
    }
    (*node)[field.substr(start)] = *value;
  }
  return projected;
}

Status ProjectRecord(Record& record, const std::vector<std::string>& fields) {
  if (fields.empty() || record.deleted) return Status::Ok();
  if (record.data_text.empty()) {
    record.data = Project(record.data, fields);
    return Status::Ok();
  }
  Json data = Json::parse(record.data_text, nullptr, /*allow_exceptions=*/false);
  ReleaseOnExit release(data);
  if (data.is_discarded()) return Corruption("stored data of '" + record.id + "' is not JSON");
  XRONOX_ASSIGN_OR_RETURN(record.data_text, DumpJson(Project(data, fields)));
  return Status::Ok();
}

void HideFields(Json& data, const std::vector<std::string>& hidden) {
  for (const std::string& field : hidden) {
    Json* node = &data;
    size_t start = 0;
    for (size_t dot = field.find('.'); node != nullptr && dot != std::string::npos;
         dot = field.find('.', start)) {
      auto child = node->is_object() ? node->find(field.substr(start, dot - start)) : node->end();
      node = child == node->end() ? nullptr : &*child;
      start = dot + 1;
    }
    if (node != nullptr && node->is_object()) node->erase(field.substr(start));
  }
}

Status HideRecordFields(Record& record, const std::vector<std::string>& hidden) {
  if (hidden.empty() || record.deleted) return Status::Ok();
  if (record.data_text.empty()) {
    HideFields(record.data, hidden);
    return Status::Ok();
  }
  Json data = Json::parse(record.data_text, nullptr, /*allow_exceptions=*/false);
  ReleaseOnExit release(data);
  if (data.is_discarded()) return Corruption("stored data of '" + record.id + "' is not JSON");
  HideFields(data, hidden);
  XRONOX_ASSIGN_OR_RETURN(record.data_text, DumpJson(data));
  return Status::Ok();
}

namespace {

// The dotted path a JSON Pointer names ("/a/b" -> "a.b"), its ~1 and ~0 unescaped; a name
// without a leading '/' is a top-level name already.
std::string DottedPath(std::string_view pointer) {
  if (pointer.empty() || pointer.front() != '/') return std::string(pointer);
  std::string dotted;
  for (size_t i = 1; i < pointer.size(); ++i) {
    char c = pointer[i];
    if (c == '/') {
      dotted += '.';
    } else if (c == '~' && i + 1 < pointer.size()) {
      dotted += pointer[++i] == '1' ? '/' : '~';
    } else {
      dotted += c;
    }
  }
  return dotted;
}

}  // namespace

bool IsHiddenPointer(std::string_view pointer, const std::vector<std::string>& hidden) {
  if (hidden.empty()) return false;
  std::string dotted = DottedPath(pointer);
  for (const std::string& field : hidden) {
    bool inside = dotted.size() >= field.size() && dotted.compare(0, field.size(), field) == 0 &&
                  (dotted.size() == field.size() || dotted[field.size()] == '.');
    if (inside) return true;
  }
  return false;
}

void HideChangedFields(std::vector<std::string>& changed_fields,
                       const std::vector<std::string>& hidden) {
  if (hidden.empty()) return;
  std::erase_if(changed_fields,
                [&](const std::string& field) { return IsHiddenPointer(field, hidden); });
}

Status CheckFilterNotHidden(const std::vector<std::string>& filter_paths,
                            const std::vector<std::string>& hidden) {
  for (const std::string& path : filter_paths) {
    for (const std::string& field : hidden) {
      if (PropertyPathsOverlap(path, field)) {
        return InvalidArgument("'" + path + "' is a hidden field; a filter may not name it")
            .WithReason("hidden_field");
      }
    }
  }
  return Status::Ok();
}

}  // namespace xronox
