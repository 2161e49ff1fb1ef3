#include "common/json_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace xronox {

namespace {

using DomParser = nlohmann::detail::json_sax_dom_parser<Json>;

// Wraps the DOM builder to enforce depth and number fidelity while parsing.
class StrictSax {
 public:
  explicit StrictSax(Json& result) : dom_(result, /*allow_exceptions=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const std::string& text) {
    if (!std::isfinite(v) || !NumberTextMatches(text, v)) {
      error_ = "number " + text.substr(0, 40) +
               " cannot be stored without changing its value (beyond 64-bit integer or "
               "double precision)";
      return false;
    }
    return dom_.number_float(v, text);
  }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (!Enter()) return false;
    frames_.push_back(Frame{true, {}, ""});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    Frame& frame = frames_.back();
    frame.key = k;
    if (!frame.keys.insert(k).second) duplicates_.push_back("'" + k + "' at " + Path());
    return dom_.key(k);
  }
  bool end_object() {
    Leave();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!Enter()) return false;
    frames_.push_back(Frame{false, {}, ""});
    return dom_.start_array(n);
  }
  bool end_array() {
    Leave();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    (void)position;
    return false;
  }

  const std::string& error() const { return error_; }
  /// Keys that appear twice in one object ("'k' at a.b"); a parser would keep only the last.
  const std::vector<std::string>& duplicates() const { return duplicates_; }

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

  // Dotted path of the current key, e.g. "engine.claimLeaseSeconds" ("[]" for arrays).
  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (!path.empty() || !frame.is_object) path += frame.is_object ? "." : "[]";
      if (frame.is_object) path += frame.key;
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
  int depth_ = 0;
  std::string error_;
  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
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

Result<Json> ParseJsonStrict(std::string_view text) {
  // nlohmann treats a NUL byte as the end of input and would drop whatever follows it; no
  // valid JSON text holds one (inside strings it must be escaped).
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("invalid JSON: NUL byte at offset " + std::to_string(nul));
  }
  Json result;
  StrictSax sax(result);
  bool ok = Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json,
                            /*strict=*/true);
  if (!ok) {
    return InvalidArgument("invalid JSON: " +
                           (sax.error().empty() ? std::string("parse error") : sax.error()));
  }
  if (!sax.duplicates().empty()) {
    std::string list;
    for (const auto& duplicate : sax.duplicates()) list += (list.empty() ? "" : ", ") + duplicate;
    return InvalidArgument("invalid JSON: duplicate keys (only the last would be kept): " + list);
  }
  return result;
}

Result<Json> ParseJsonObject(std::string_view text, const std::string& what) {
  XRONOX_ASSIGN_OR_RETURN(Json value, ParseJsonStrict(text));
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
