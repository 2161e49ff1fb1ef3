#include "engine/projection.h"

#include "common/json_codec.h"
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

}  // namespace xronox
