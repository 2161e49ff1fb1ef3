#include "store/hot/hot_store.h"

namespace xronox::store {

const char* ConditionOpName(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEq:
      return "$eq";
    case Condition::Op::kNe:
      return "$ne";
    case Condition::Op::kGt:
      return "$gt";
    case Condition::Op::kGte:
      return "$gte";
    case Condition::Op::kLt:
      return "$lt";
    case Condition::Op::kLte:
      return "$lte";
    case Condition::Op::kIn:
      return "$in";
  }
  return "$unknown";
}

}  // namespace xronox::store
