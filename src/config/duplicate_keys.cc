#include "config/duplicate_keys.h"

#include <set>
#include <string>
#include <vector>

#include "xronox/types.h"

namespace xronox::config_internal {

namespace {

// SAX handler that tracks the path of every value and the keys seen in each open object.
class DuplicateKeySax {
 public:
  explicit DuplicateKeySax(Problems* problems) : problems_(problems) {}

  bool null() { return Value(); }
  bool boolean(bool) { return Value(); }
  bool number_integer(Json::number_integer_t) { return Value(); }
  bool number_unsigned(Json::number_unsigned_t) { return Value(); }
  bool number_float(Json::number_float_t, const std::string&) { return Value(); }
  bool string(std::string&) { return Value(); }
  bool binary(Json::binary_t&) { return Value(); }
  bool start_object(std::size_t) { return Open(true); }
  bool start_array(std::size_t) { return Open(false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& key) {
    Frame& frame = stack_.back();
    if (!frame.keys.insert(key).second) {
      problems_->Add(JoinPath(frame.path, key), "duplicate key '" + key + "'");
    }
    frame.current_key = key;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  struct Frame {
    bool is_object = false;
    std::string path;
    std::set<std::string> keys;
    std::string current_key;
    size_t next_index = 0;
  };

  // Returns the path of the value that starts now.
  std::string NextPath() {
    if (stack_.empty()) return "";
    Frame& parent = stack_.back();
    if (parent.is_object) return JoinPath(parent.path, parent.current_key);
    return IndexPath(parent.path, parent.next_index++);
  }
  bool Value() {
    NextPath();
    return true;
  }
  bool Open(bool is_object) {
    Frame frame;
    frame.is_object = is_object;
    frame.path = NextPath();
    stack_.push_back(std::move(frame));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  Problems* problems_;
  std::vector<Frame> stack_;
};

}  // namespace

void FindDuplicateKeys(std::string_view text, Problems* problems) {
  DuplicateKeySax sax(problems);
  (void)Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json,
                        /*strict=*/true);
}

}  // namespace xronox::config_internal
