#include "store/hot/hot_store_rules.h"

#include <iterator>
#include <optional>

#include "common/json_codec.h"
#include "common/names.h"

namespace xronox::store {

namespace {

enum class ValueClass { kNull, kBool, kNumber, kString, kOther };

ValueClass ClassOf(const Json& value) {
  if (value.is_null()) return ValueClass::kNull;
  if (value.is_boolean()) return ValueClass::kBool;
  if (value.is_number()) return ValueClass::kNumber;
  if (value.is_string()) return ValueClass::kString;
  return ValueClass::kOther;
}

bool IsScalar(const Json& value) { return ClassOf(value) != ValueClass::kOther; }

// Compares two values of the same scalar class other than null.
int CompareSameClass(const Json& a, const Json& b, ValueClass cls) {
  switch (cls) {
    case ValueClass::kBool:
      return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
    case ValueClass::kNumber:
      return CompareJsonNumbers(a, b);
    case ValueClass::kString: {
      int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
      return 0;
  }
}

// The comparison of `actual` against `wanted`; nullopt when the classes differ or are not
// ordered (null, arrays, objects).
std::optional<int> Compare(const Json& actual, const Json& wanted) {
  ValueClass cls = ClassOf(actual);
  if (cls != ClassOf(wanted) || cls == ValueClass::kNull || cls == ValueClass::kOther) {
    return std::nullopt;
  }
  return CompareSameClass(actual, wanted, cls);
}

bool Equals(const Json& actual, const Json& wanted) {
  if (wanted.is_null()) return actual.is_null();
  std::optional<int> c = Compare(actual, wanted);
  return c.has_value() && *c == 0;
}

Status BadCondition(const Condition& condition, const std::string& why) {
  return InvalidArgument("condition " + std::string(ConditionOpName(condition.op)) + " on '" +
                         condition.path + "': " + why);
}

Status ValidateCondition(const Condition& condition) {
  XRONOX_RETURN_IF_ERROR(ValidateIndexedPath(condition.path));
  const Json& value = condition.value;
  switch (condition.op) {
    case Condition::Op::kEq:
    case Condition::Op::kNe:
      if (!IsScalar(value)) return BadCondition(condition, "value must be a scalar");
      return Status::Ok();
    case Condition::Op::kIn:
      if (!value.is_array()) return BadCondition(condition, "value must be an array");
      for (const Json& element : value) {
        if (!IsScalar(element)) return BadCondition(condition, "elements must be scalars");
      }
      return Status::Ok();
    default:
      if (!IsScalar(value) || value.is_null()) {
        return BadCondition(condition, "value must be a boolean, number or string");
      }
      return Status::Ok();
  }
}

}  // namespace

Status ValidateCollectionRef(const CollectionRef& ref) {
  XRONOX_RETURN_IF_ERROR(ValidateDatabaseName(ref.db));
  return ValidateCollectionName(ref.collection);
}

Status CheckNameCase(const CollectionRef& ref, const std::vector<std::string>& databases,
                     const std::vector<std::string>& collections) {
  auto conflict = [](const std::string& what, const std::string& wanted, const std::string& held) {
    return InvalidArgument(what + " '" + wanted + "' differs only in letter case from '" + held +
                           "', which exists; names that differ only in case are refused")
        .WithReason("name_case_conflict");
  };
  for (const std::string& db : databases) {
    if (db != ref.db && EqualsIgnoringAsciiCase(db, ref.db)) {
      return conflict("database name", ref.db, db);
    }
  }
  for (const std::string& collection : collections) {
    if (collection != ref.collection && EqualsIgnoringAsciiCase(collection, ref.collection)) {
      return conflict("collection name", ref.collection, collection);
    }
  }
  return Status::Ok();
}

std::string StoreName(const CollectionRef& ref, const char* suffix) {
  return ref.db + "." + ref.collection + suffix;
}

Status RequireVersioned(const CollectionRef& ref, const char* operation) {
  if (ref.versioned) return Status::Ok();
  return InvalidArgument(std::string(operation) + " " + StoreName(ref, "") +
                         ": the collection keeps no versions (only runtime is versioned)");
}

Status HeadExists(const std::string& table, const std::string& id) {
  return AlreadyExists("insert head " + table + " id '" + id + "': record already exists");
}

Status HeadNotFound(const std::string& table, const std::string& id, int64_t expected_version) {
  return NotFound("replace head " + table + " id '" + id +
                  "': record not found (expected version " + std::to_string(expected_version) +
                  ")");
}

Status HeadConflict(const std::string& table, const std::string& id, int64_t expected_version,
                    int64_t current_version) {
  Status status = Conflict("replace head " + table + " id '" + id + "': expected version " +
                           std::to_string(expected_version) + ", current version " +
                           std::to_string(current_version));
  status.WithReason("version_mismatch").WithCurrentVersion(current_version);
  return status;
}

Status ValidateLimit(int limit, const char* operation) {
  if (limit <= 0) {
    return InvalidArgument(std::string(operation) + ": limit must be positive, got " +
                           std::to_string(limit));
  }
  return Status::Ok();
}

Result<int64_t> AddToCounter(const std::string& table, const std::string& name, int64_t value,
                             int64_t delta) {
  int64_t sum = 0;
  if (__builtin_add_overflow(value, delta, &sum)) {
    return ResourceExhausted("increment counter " + table + " '" + name + "': value " +
                             std::to_string(value) + " + " + std::to_string(delta) +
                             " overflows 64 bits");
  }
  return sum;
}

Result<CollectionCounts> SumCounts(const std::string& table, const CollectionCounts& counts,
                                   const CollectionCounts& delta) {
  CollectionCounts sum;
  for (size_t i = 0; i < std::size(kCountFields); ++i) {
    XRONOX_ASSIGN_OR_RETURN(
        sum.*kCountFields[i],
        AddToCounter(table, kCountNames[i], counts.*kCountFields[i], delta.*kCountFields[i]));
  }
  return sum;
}

Status ValidateIndexedPath(const std::string& path) {
  XRONOX_RETURN_IF_ERROR(ValidatePropertyPath(path));
  if (path.find('"') != std::string::npos) {
    return InvalidArgument("indexed property path '" + path + "' must not contain '\"'");
  }
  return Status::Ok();
}

Result<IndexedValues> ParseIndexed(const std::string& indexed) {
  IndexedValues out;
  if (indexed.empty()) {
    out.values = Json::object();
  } else {
    Result<Json> parsed = ParseJsonObject(indexed, "indexed properties");
    if (!parsed.ok()) {
      // Out of memory is the server's state, not a fault of the value.
      if (parsed.status().code() == StatusCode::kResourceExhausted) return parsed.status();
      return InvalidArgument("head indexed properties: " + parsed.status().message());
    }
    out.values = std::move(parsed).value();
  }
  XRONOX_ASSIGN_OR_RETURN(out.text, DumpJson(out.values));
  return out;
}

Status ValidateConditions(const std::vector<Condition>& conditions) {
  for (const Condition& condition : conditions) {
    XRONOX_RETURN_IF_ERROR(ValidateCondition(condition));
  }
  return Status::Ok();
}

bool MatchesCondition(const Condition& condition, const Json& indexed) {
  static const Json kNull;
  auto it = indexed.find(condition.path);
  const Json& actual = it == indexed.end() ? kNull : *it;
  std::optional<int> c;
  switch (condition.op) {
    case Condition::Op::kEq:
      return Equals(actual, condition.value);
    case Condition::Op::kNe:
      return !Equals(actual, condition.value);
    case Condition::Op::kIn:
      for (const Json& element : condition.value) {
        if (Equals(actual, element)) return true;
      }
      return false;
    case Condition::Op::kGt:
      c = Compare(actual, condition.value);
      return c && *c > 0;
    case Condition::Op::kGte:
      c = Compare(actual, condition.value);
      return c && *c >= 0;
    case Condition::Op::kLt:
      c = Compare(actual, condition.value);
      return c && *c < 0;
    case Condition::Op::kLte:
      c = Compare(actual, condition.value);
      return c && *c <= 0;
  }
  return false;
}

bool MatchesConditions(const std::vector<Condition>& conditions, const Json& indexed) {
  for (const Condition& condition : conditions) {
    if (!MatchesCondition(condition, indexed)) return false;
  }
  return true;
}

}  // namespace xronox::store
