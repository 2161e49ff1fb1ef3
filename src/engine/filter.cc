#include "engine/filter.h"

#include <algorithm>

#include "common/names.h"
#include "engine/version_object.h"

namespace xronox {

namespace {

using Op = store::Condition::Op;

std::optional<Op> ParseOp(const std::string& name) {
  static const std::pair<const char*, Op> kOps[] = {
      {"$eq", Op::kEq},   {"$ne", Op::kNe}, {"$gt", Op::kGt}, {"$gte", Op::kGte},
      {"$lt", Op::kLt},   {"$lte", Op::kLte}, {"$in", Op::kIn}};
  for (const auto& [text, op] : kOps) {
    if (name == text) return op;
  }
  return std::nullopt;
}

bool IsOperatorObject(const Json& value) {
  if (!value.is_object() || value.empty()) return false;
  return value.begin().key().starts_with("$");
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

bool SameKind(const Json& a, const Json& b) {
  return (a.is_number() && b.is_number()) || (a.is_string() && b.is_string());
}

bool Holds(Op op, const Json* value, const Json& operand) {
  switch (op) {
    case Op::kEq: return value && *value == operand;
    case Op::kNe: return !value || *value != operand;
    case Op::kGt: return value && SameKind(*value, operand) && *value > operand;
    case Op::kGte: return value && SameKind(*value, operand) && *value >= operand;
    case Op::kLt: return value && SameKind(*value, operand) && *value < operand;
    case Op::kLte: return value && SameKind(*value, operand) && *value <= operand;
    case Op::kIn:
      return value && std::find(operand.begin(), operand.end(), *value) != operand.end();
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
    if (std::find(indexed_props.begin(), indexed_props.end(), field.path) ==
        indexed_props.end()) {
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
