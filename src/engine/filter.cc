#include "engine/filter.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "common/json_codec.h"
#include "common/names.h"
#include "engine/version_object.h"

namespace xronox {

namespace {

using Op = store::Condition::Op;

std::optional<Op> ParseOp(const std::string& name) {
  static const std::pair<const char*, Op> kOps[] = {
      {"$eq", Op::kEq}, {"$ne", Op::kNe},   {"$gt", Op::kGt}, {"$gte", Op::kGte},
      {"$lt", Op::kLt}, {"$lte", Op::kLte}, {"$in", Op::kIn}};
  for (const auto& [text, op] : kOps) {
    if (name == text) return op;
  }
  return std::nullopt;
}

// Any '$' key makes an operator object, so a field key mixed in is refused as an unknown
// operator whatever its sort position.
bool IsOperatorObject(const Json& value) {
  if (!value.is_object()) return false;
  for (const auto& item : value.items()) {
    if (item.key().starts_with("$")) return true;
  }
  return false;
}

Status CheckOperand(const std::string& path, Op op, const Json& operand) {
  bool range = op == Op::kGt || op == Op::kGte || op == Op::kLt || op == Op::kLte;
  if (range && !operand.is_number() && !operand.is_string()) {
    return InvalidArgument("filter on '" + path + "': range operators take a number or string");
  }
  if (op == Op::kIn && !operand.is_array()) {
    return InvalidArgument("filter on '" + path + "': $in takes an array");
  }
  return Status::Ok();
}

Result<FieldPredicate> ParseField(const std::string& path, const Json& value) {
  XRONOX_RETURN_IF_ERROR(ValidatePropertyPath(path));
  FieldPredicate predicate{path, {}};
  if (!IsOperatorObject(value)) {
    predicate.ops.emplace_back(Op::kEq, value);
    return predicate;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    auto op = ParseOp(it.key());
    if (!op) {
      return InvalidArgument("filter on '" + path + "': unsupported operator '" + it.key() +
                             "' (supported: $eq $ne $gt $gte $lt $lte $in)");
    }
    XRONOX_RETURN_IF_ERROR(CheckOperand(path, *op, it.value()));
    predicate.ops.emplace_back(*op, it.value());
  }
  return predicate;
}

// Numbers compare exactly, as in the hot store: see CompareJsonNumbers.
bool Equal(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return CompareJsonNumbers(a, b) == 0;
  return a == b;
}

// Orders number-number and string-string pairs; nullopt for any other pair.
std::optional<int> Order(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return CompareJsonNumbers(a, b);
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool Holds(Op op, const Json* value, const Json& operand) {
  if (!value) return op == Op::kNe;
  std::optional<int> order;
  if (op == Op::kGt || op == Op::kGte || op == Op::kLt || op == Op::kLte) {
    order = Order(*value, operand);
    if (!order) return false;
  }
  switch (op) {
    case Op::kEq:
      return Equal(*value, operand);
    case Op::kNe:
      return !Equal(*value, operand);
    case Op::kGt:
      return *order > 0;
    case Op::kGte:
      return *order >= 0;
    case Op::kLt:
      return *order < 0;
    case Op::kLte:
      return *order <= 0;
    case Op::kIn:
      return std::any_of(operand.begin(), operand.end(),
                         [&](const Json& element) { return Equal(*value, element); });
  }
  return false;
}

}  // namespace

Result<Filter> ParseFilter(const Json& filter) {
  if (!filter.is_object()) return InvalidArgument("filter must be a JSON object");
  Filter parsed;
  for (auto it = filter.begin(); it != filter.end(); ++it) {
    if (it.key().starts_with("$")) {
      return InvalidArgument("filter: top-level operator '" + it.key() + "' is not supported");
    }
    XRONOX_ASSIGN_OR_RETURN(FieldPredicate predicate, ParseField(it.key(), it.value()));
    parsed.fields.push_back(std::move(predicate));
  }
  return parsed;
}

bool Matches(const Filter& filter, const Json& data) {
  for (const auto& field : filter.fields) {
    const Json* value = FindPath(data, field.path);
    for (const auto& [op, operand] : field.ops) {
      if (!Holds(op, value, operand)) return false;
    }
  }
  return true;
}

std::vector<store::Condition> PushdownConditions(const Filter& filter,
                                                 const std::vector<std::string>& indexed_props) {
  std::vector<store::Condition> conditions;
  for (const auto& field : filter.fields) {
    if (std::find(indexed_props.begin(), indexed_props.end(), field.path) == indexed_props.end()) {
      continue;
    }
    for (const auto& [op, operand] : field.ops) {
      // Only scalars are indexed; $ne also matches records without the field, which the
      // index does not hold, so it stays in the engine.
      bool scalar = operand.is_primitive() && !operand.is_null();
      bool scalar_list = op == Op::kIn && std::all_of(operand.begin(), operand.end(), [](auto& v) {
                           return v.is_primitive() && !v.is_null();
                         });
      if (op == Op::kNe || !(op == Op::kIn ? scalar_list : scalar)) continue;
      conditions.push_back({field.path, op, operand});
    }
  }
  return conditions;
}

}  // namespace xronox
