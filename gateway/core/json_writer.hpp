// JsonWriter: JSON text written straight into a string, without building a tree first — for
// documents made on hot paths (a placement decision per submission), where the tree's
// allocations cost more than the text. The output parses to the same value that nlohmann
// would write: strings escaped with invalid UTF-8 replaced by U+FFFD, non-finite numbers as
// null, floating-point numbers always with a '.' or an exponent. Members are written in the
// order given; callers write them in name order, as nlohmann and the rest of the API do.
//   std::string s;
//   JsonWriter(s).begin_object().member("site", id).member("score", 0.25).end_object();
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace suanwang {

// Appends `s` to `out` as a JSON string literal, quotes included: control characters escaped
// and invalid UTF-8 replaced by U+FFFD, as nlohmann's error_handler_t::replace does.
void append_json_string(std::string& out, std::string_view s);
// Appends `v` as a JSON number in its shortest round-trip form ("1.0", not "1", so that it
// reads back as a floating-point number); null when it is not finite.
void append_json_number(std::string& out, double v);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& value(T v) {
    if constexpr (std::is_signed_v<T>) {
      return integer(static_cast<int64_t>(v));
    } else {
      return integer(static_cast<uint64_t>(v));
    }
  }
  JsonWriter& null();
  // A value already rendered as JSON text.
  JsonWriter& raw(std::string_view json);

  template <class T>
  JsonWriter& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  JsonWriter& integer(int64_t v);
  JsonWriter& integer(uint64_t v);
  void separate();  // the comma before a member or element that is not the first
  std::string& out_;
  bool first_ = true;  // nothing written yet in the innermost container, or a key just written
};

}  // namespace suanwang
