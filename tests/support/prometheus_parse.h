// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every sample line
// must be `name{label="value",...} number`, every family announced by # HELP and # TYPE before
// its samples, label values escaped as the format requires.
// Thread-safety: pure functions.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace xronox::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromText {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  ///< Family name -> counter, gauge, histogram.
  std::string error;                         ///< Empty when the whole text is well formed.

  /// Values of the samples named `name` whose labels include every pair of `labels`.
  std::vector<const PromSample*> Find(const std::string& name,
                                      const std::map<std::string, std::string>& labels) const {
    std::vector<const PromSample*> out;
    for (const PromSample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels) {
        auto it = s.labels.find(key);
        match = match && it != s.labels.end() && it->second == value;
      }
      if (match) out.push_back(&s);
    }
    return out;
  }
  /// The sum of Find's values (0 when none).
  double Sum(const std::string& name, const std::map<std::string, std::string>& labels) const {
    double sum = 0;
    for (const PromSample* s : Find(name, labels)) sum += s->value;
    return sum;
  }
};

inline bool IsNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Parse `name{labels} value` from `line`; an error message or empty.
inline std::string ParsePromSample(const std::string& line, PromSample& sample) {
  size_t i = 0;
  while (i < line.size() && IsNameChar(line[i], i == 0)) ++i;
  if (i == 0) return "no metric name";
  sample.name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t start = i;
      while (i < line.size() && IsNameChar(line[i], i == start) && line[i] != ':') ++i;
      std::string key = line.substr(start, i - start);
      if (key.empty() || line.compare(i, 2, "=\"") != 0) return "bad label name";
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (++i >= line.size()) return "dangling escape";
          if (line[i] == 'n') {
            value += '\n';
          } else if (line[i] == '\\' || line[i] == '"') {
            value += line[i];
          } else {
            return "bad escape";
          }
        } else {
          value += line[i];
        }
        ++i;
      }
      if (i >= line.size()) return "unterminated label value";
      ++i;
      if (!sample.labels.emplace(key, value).second) return "repeated label " + key;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "unterminated labels";
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') return "no space before the value";
  std::string number = line.substr(i + 1);
  if (number == "+Inf" || number == "-Inf" || number == "NaN") {
    sample.value = number == "NaN" ? NAN : (number[0] == '+' ? INFINITY : -INFINITY);
    return "";
  }
  char* end = nullptr;
  sample.value = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0') return "bad value '" + number + "'";
  return "";
}

// The family a sample belongs to: histogram samples carry _bucket, _sum and _count.
inline std::string PromFamilyOf(const std::string& name,
                                const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      std::string base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

/// Parse a whole exposition; PromText::error says what is wrong, with the line.
inline PromText ParsePrometheusText(const std::string& text) {
  PromText out;
  std::set<std::string> helped;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    auto fail = [&](const std::string& why) {
      out.error = "line " + std::to_string(number) + ": " + why + ": " + line;
    };
    if (line.rfind("# HELP ", 0) == 0) {
      helped.insert(line.substr(7, line.find(' ', 7) - 7));
    } else if (line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      std::string type = rest.substr(rest.find(' ') + 1);
      if (type != "counter" && type != "gauge" && type != "histogram") return fail("bad type"), out;
      if (!helped.count(name)) return fail("TYPE before HELP"), out;
      if (!out.types.emplace(name, type).second) return fail("family announced twice"), out;
    } else if (line.empty() || line[0] == '#') {
      return fail("unexpected line"), out;
    } else {
      PromSample sample;
      std::string error = ParsePromSample(line, sample);
      if (!error.empty()) return fail(error), out;
      if (!out.types.count(PromFamilyOf(sample.name, out.types))) {
        return fail("sample of an unannounced family"), out;
      }
      out.samples.push_back(std::move(sample));
    }
  }
  if (!text.empty() && text.back() != '\n') out.error = "the text does not end with a newline";
  return out;
}

}  // namespace xronox::testing
