#include "common/json_codec.h"

#include <cmath>
#include <string>

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
  bool start_object(std::size_t n) { return Enter() && dom_.start_object(n); }
  bool key(std::string& k) { return dom_.key(k); }
  bool end_object() { --depth_; return dom_.end_object(); }
  bool start_array(std::size_t n) { return Enter() && dom_.start_array(n); }
  bool end_array() { --depth_; return dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    (void)position;
    return false;
  }

  const std::string& error() const { return error_; }

 private:
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
};

// A decimal number reduced to sign, significant digits and exponent, for comparison.
struct Decimal {
  bool negative = false;
  std::string digits;  // No leading or trailing zeros; empty for zero.
  long exponent = 0;   // Value = 0.digits * 10^exponent.
  bool operator==(const Decimal&) const = default;
};

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
  long exponent = (i < text.size()) ? std::strtol(std::string(text.substr(i + 1)).c_str(),
                                                  nullptr, 10)
                                    : 0;
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

Result<Json> ParseJsonStrict(std::string_view text) {
  Json result;
  StrictSax sax(result);
  bool ok = Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json,
                            /*strict=*/true);
  if (!ok) {
    return InvalidArgument("invalid JSON: " +
                           (sax.error().empty() ? std::string("parse error") : sax.error()));
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
