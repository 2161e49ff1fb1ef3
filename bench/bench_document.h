// The record every benchmark writes: 412 bytes of JSON, an order with two items and a note, so
// that figures from the embedded, counters and production benchmarks compare.
#pragma once

#include <string>

#include "xronox/types.h"

namespace xronox::bench {

inline Json BenchDocument() {
  return {{"customer", "c-123"},
          {"status", "paid"},
          {"amount", 1234.5},
          {"items", {{{"sku", "a"}, {"qty", 2}}, {{"sku", "b"}, {"qty", 1}}}},
          {"note", std::string(300, 'n')}};
}

}  // namespace xronox::bench
