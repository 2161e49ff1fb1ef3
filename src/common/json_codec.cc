#include "common/json_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "common/memory_reserve.h"

namespace xronox {

namespace {

using DomParser = nlohmann::detail::json_sax_dom_parser<Json>;

// The most problems of one kind an error message names; the rest are counted.
constexpr size_t kNamedProblems = 3;
// The most bytes of one name or path an error message quotes.
constexpr size_t kQuotedBytes = 64;

// `text` cut to kQuotedBytes (marked with "..."), control bytes shown as '?'.
std::string Quote(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kQuotedBytes)) {
    out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  if (text.size() > kQuotedBytes) out += "...";
  return out;
}

// Estimated heap bytes of nlohmann::json values as the DOM parser builds them (x86-64,
// libstdc++): a 16-byte value; a string, array or object also owns its container on the heap,
// arrays may hold up to twice their size while growing, each object member is a map node.
constexpr size_t kValueBytes = 16;
constexpr size_t kContainerBytes = 64;
constexpr size_t kElementSlackBytes = 16;
constexpr size_t kMemberBytes = 80;
constexpr size_t kShortStringBytes = 15;  // Held inside std::string without a heap block.

size_t StringHeapBytes(size_t length) { return length > kShortStringBytes ? length + 17 : 0; }

// Wraps the DOM builder to enforce depth, number fidelity and a memory budget while parsing.
// Error messages are bounded whatever the input: a few problems named, the rest counted.
class StrictSax {
 public:
  StrictSax(Json& result, size_t max_dom_bytes)
      : dom_(result, /*allow_exceptions=*/false), max_dom_bytes_(max_dom_bytes) {}

  bool null() { return Value(0) && dom_.null(); }
  bool boolean(bool v) { return Value(0) && dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return Value(0) && dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return Value(0) && dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const std::string& text) {
    if (!std::isfinite(v) || !NumberTextMatches(text, v)) {
      error_ = "number " + Quote(text) +
               " cannot be stored without changing its value (beyond 64-bit integer or "
               "double precision)";
      return false;
    }
    return Value(0) && dom_.number_float(v, text);
  }
  bool string(std::string& v) {
    return Value(kContainerBytes + StringHeapBytes(v.size())) && dom_.string(v);
  }
  bool binary(Json::binary_t& v) { return Value(kContainerBytes + v.size()) && dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (!Value(kContainerBytes) || !Enter()) return false;
    frames_.push_back(Frame{true, {}, ""});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    if (!Charge(kMemberBytes + StringHeapBytes(k.size()) - kValueBytes)) return false;
    Frame& frame = frames_.back();
    frame.key = k;
    if (!frame.keys.insert(k).second) NoteDuplicate(k);
    return dom_.key(k);
  }
  bool end_object() {
    Leave();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!Value(kContainerBytes) || !Enter()) return false;
    frames_.push_back(Frame{false, {}, ""});
    return dom_.start_array(n);
  }
  bool end_array() {
    Leave();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    // The library's message ends with the last token read, which may be the whole input.
    std::string_view message = ex.what();
    constexpr std::string_view kLastRead = "; last read: ";
    size_t cut = message.find(kLastRead);
    error_ = std::string(message.substr(0, std::min(cut, size_t{256})));
    if (cut != std::string_view::npos) {
      error_ += std::string(kLastRead) + Quote(message.substr(cut + kLastRead.size()));
    }
    (void)position;
    return false;
  }

  const std::string& error() const { return error_; }
  bool too_large() const { return too_large_; }
  bool out_of_memory() const { return out_of_memory_; }
  /// Up to kNamedProblems keys that appear twice in one object ("'k' at a.b"); a parser would
  /// keep only the last.
  const std::vector<std::string>& duplicates() const { return duplicates_; }
  /// How many duplicate keys there are in all.
  size_t duplicate_count() const { return duplicate_count_; }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string key;  // The current key of an object frame.
  };

  void Leave() {
    --depth_;
    frames_.pop_back();
  }

  // A value in an array or object (or the top): its own bytes plus `extra` on the heap.
  bool Value(size_t extra) {
    bool in_array = !frames_.empty() && !frames_.back().is_object;
    return Charge(kValueBytes + extra + (in_array ? kElementSlackBytes : 0));
  }

  bool Charge(size_t bytes) {
    dom_bytes_ += bytes;
    if (MemoryIsShort()) {
      out_of_memory_ = true;
      error_ = CheckMemory().message();
      return false;
    }
    if (dom_bytes_ <= max_dom_bytes_) return true;
    too_large_ = true;
    error_ = "JSON holds more values than fit in " + std::to_string(max_dom_bytes_ >> 20) +
             " MiB of memory once parsed";
    return false;
  }

  void NoteDuplicate(const std::string& key) {
    if (duplicate_count_++ < kNamedProblems) {
      duplicates_.push_back("'" + Quote(key) + "' at " + Quote(Path()));
    }
  }

  // Dotted path of the current key, e.g. "engine.claimLeaseSeconds" ("[]" for arrays).
  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (!path.empty() || !frame.is_object) path += frame.is_object ? "." : "[]";
      if (frame.is_object) path += frame.key.substr(0, kQuotedBytes);
    }
    return path;
  }

  bool Enter() {
    if (++depth_ > kMaxJsonDepth) {
      error_ = "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return true;
  }

  DomParser dom_;
  const size_t max_dom_bytes_;
  size_t dom_bytes_ = 0;
  bool too_large_ = false;
  bool out_of_memory_ = false;
  int depth_ = 0;
  std::string error_;
  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
  size_t duplicate_count_ = 0;
};

// A decimal number reduced to sign, significant digits and exponent, for comparison.
struct Decimal {
  bool negative = false;
  std::string digits;  // No leading or trailing zeros; empty for zero.
  long exponent = 0;   // Value = 0.digits * 10^exponent.
  bool operator==(const Decimal&) const = default;
};

// Bound on the written exponent, far above any text that fits in memory could offset.
constexpr long kMaxExponent = std::numeric_limits<long>::max() / 4;

Decimal Normalize(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) d.negative = text[i++] == '-';
  long point = -1;
  std::string digits;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      point = static_cast<long>(digits.size());
    } else {
      digits += text[i];
    }
  }
  long exponent =
      (i < text.size()) ? std::strtol(std::string(text.substr(i + 1)).c_str(), nullptr, 10) : 0;
  // strtol saturates at LONG_MIN/MAX; clamp so the sum below cannot overflow.
  exponent = std::clamp(exponent, -kMaxExponent, kMaxExponent);
  if (point < 0) point = static_cast<long>(digits.size());
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // Zero: sign ignored.
  size_t last = digits.find_last_not_of('0');
  d.digits = digits.substr(first, last - first + 1);
  d.exponent = point - static_cast<long>(first) + exponent;
  return d;
}

}  // namespace

bool NumberTextMatches(std::string_view text, double value) {
  Json number = value;
  return Normalize(text) == Normalize(number.dump());
}

int CompareJsonNumbers(const Json& a, const Json& b) {
  // long double holds every int64, uint64 and double exactly on the platforms we build for.
  auto exact = [](const Json& v) -> long double {
    if (v.is_number_unsigned()) return static_cast<long double>(v.get<uint64_t>());
    if (v.is_number_integer()) return static_cast<long double>(v.get<int64_t>());
    return static_cast<long double>(v.get<double>());
  };
  long double x = exact(a);
  long double y = exact(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

Result<Json> ParseJsonStrict(std::string_view text, size_t max_dom_bytes) {
  // nlohmann treats a NUL byte as the end of input and would drop whatever follows it; no
  // valid JSON text holds one (inside strings it must be escaped).
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("invalid JSON: NUL byte at offset " + std::to_string(nul));
  }
  Json result;
  StrictSax sax(result, max_dom_bytes);
  bool ok = Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json,
                            /*strict=*/true);
  bool refused = !ok || sax.duplicate_count() > 0;
  if (refused) ReleaseJson(result);  // A partial tree of up to the whole budget.
  if (sax.out_of_memory()) return CheckMemory();
  if (sax.too_large()) return ResourceExhausted(sax.error()).WithReason("json_too_large");
  if (!ok) {
    return InvalidArgument("invalid JSON: " +
                           (sax.error().empty() ? std::string("parse error") : sax.error()));
  }
  if (sax.duplicate_count() > 0) {
    std::string list;
    for (const auto& duplicate : sax.duplicates()) list += (list.empty() ? "" : ", ") + duplicate;
    size_t more = sax.duplicate_count() - sax.duplicates().size();
    if (more > 0) list += " and " + std::to_string(more) + " more";
    return InvalidArgument("invalid JSON: duplicate keys (only the last would be kept): " + list);
  }
  return result;
}

void ReleaseJson(Json& value) noexcept {
  if (value.is_array()) {
    auto& elements = value.get_ref<Json::array_t&>();
    for (Json& element : elements) ReleaseJson(element);
    elements.clear();  // Each element is now a scalar or an empty container: no allocation.
  } else if (value.is_object()) {
    auto& members = value.get_ref<Json::object_t&>();
    for (auto& member : members) ReleaseJson(member.second);
    members.clear();
  }
  value = nullptr;
}

std::shared_ptr<const Json> ShareJson(Json value) {
  return std::shared_ptr<const Json>(new Json(std::move(value)), [](const Json* shared) {
    ReleaseJson(const_cast<Json&>(*shared));
    delete shared;
  });
}

Result<Json> ParseJsonObject(std::string_view text, const std::string& what, size_t max_dom_bytes) {
  XRONOX_ASSIGN_OR_RETURN(Json value, ParseJsonStrict(text, max_dom_bytes));
  if (!value.is_object()) return InvalidArgument(what + " must be a JSON object");
  return value;
}

Result<std::string> DumpJson(const Json& value) {
  try {
    return value.dump();
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("value cannot be serialized as JSON: ") + e.what());
  }
}

bool ExceedsDepth(const Json& value, int max_depth) {
  if (!value.is_structured()) return false;
  if (max_depth <= 0) return true;
  for (const auto& child : value) {
    if (ExceedsDepth(child, max_depth - 1)) return true;
  }
  return false;
}

}  // namespace xronox
