// Canonical JSON: a strict I-JSON reader (simdjson for speed, nlohmann's SAX parser for the
// final word and the messages), and an RFC 8785 writer.
#include "base/canonical_json.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace custodian {
namespace {

using nlohmann::json;

// 2^53: every integer of at most this magnitude is exactly a double (RFC 7493 §2.2).
constexpr int64_t kMaxExactInteger = int64_t{1} << 53;

// Long enough for any ECMAScript number ("-1.7976931348623157e+308", "-0.0000012345678901234567")
// and any int64/uint64 in decimal.
constexpr size_t kNumberBufferSize = 32;

// Keys and tokens quoted in error messages are cut to this many bytes: enough to find the spot,
// not so much that a hostile 1 MB key floods the log.
constexpr size_t kMaxQuotedBytes = 64;

// ---------------------------------------------------------------------------------------------
// Writing (RFC 8785 §3.2)

// For each byte: 0 if it is written as is, else the character after the backslash of its escape
// ('u' for the \u00xx form). Only '"', '\\' and C0 controls are escaped (§3.2.2.2).
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

void AppendString(std::string_view text, std::string& out) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  out.push_back('"');
  const char* run = text.data();
  const char* end = run + text.size();
  for (const char* p = run; p != end; ++p) {
    unsigned char byte = static_cast<unsigned char>(*p);
    char escape = kEscapes[byte];
    if (escape == 0) [[likely]] {
      continue;
    }
    out.append(run, p);
    if (escape == 'u') {
      char sequence[6] = {'\\', 'u', '0', '0', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
      out.append(sequence, sizeof(sequence));
    } else {
      char sequence[2] = {'\\', escape};
      out.append(sequence, sizeof(sequence));
    }
    run = p + 1;
  }
  out.append(run, end);
  out.push_back('"');
}

template <typename Integer>
char* FormatInteger(Integer value, char* out) {
  return std::to_chars(out, out + kNumberBufferSize, value).ptr;
}

// Writes `value` (finite) as ECMAScript Number.prototype.toString does (ECMA-262 §7.1.12.1, which
// RFC 8785 §3.2.2.3 adopts) into `out`, which holds kNumberBufferSize bytes; returns the end.
char* FormatDouble(double value, char* out) {
  if (value == 0) {  // also -0, which ECMAScript prints as 0
    *out = '0';
    return out + 1;
  }
  if (value < 0) {
    *out++ = '-';
    value = -value;
  }
  // Below 2^53 an integral double is exactly its integer, and the shortest round-trip digits
  // padded with zeros spell that same integer; skip the general path for these common values.
  if (value < static_cast<double>(kMaxExactInteger) && value == std::trunc(value)) {
    return FormatInteger(static_cast<uint64_t>(value), out);
  }

  // Shortest digits that read back as `value` (with the closest-to-value tie-break ECMAScript
  // asks for), as d[.ddd]e±XX. libstdc++ implements this with Ryu.
  char scientific[kNumberBufferSize];
  const char* scientific_end = std::to_chars(scientific, scientific + sizeof(scientific), value,
                                             std::chars_format::scientific)
                                   .ptr;
  char digits[20];
  int k = 0;  // number of significant digits, as in ECMA-262
  const char* p = scientific;
  digits[k++] = *p++;
  if (*p == '.') {
    for (++p; *p != 'e'; ++p) digits[k++] = *p;
  }
  ++p;  // 'e'
  bool negative_exponent = *p == '-';
  ++p;  // sign
  int exponent = 0;
  std::from_chars(p, scientific_end, exponent);
  if (negative_exponent) exponent = -exponent;
  int n = exponent + 1;  // value = 0.digits * 10^n, as in ECMA-262

  if (k <= n && n <= 21) {  // integer: digits then zeros, e.g. 123456789012345680000
    out = std::copy_n(digits, k, out);
    return std::fill_n(out, n - k, '0');
  }
  if (0 < n && n <= 21) {  // decimal point inside the digits, e.g. 4.5
    out = std::copy_n(digits, n, out);
    *out++ = '.';
    return std::copy_n(digits + n, k - n, out);
  }
  if (-6 < n && n <= 0) {  // small fraction with leading zeros, e.g. 0.000001
    *out++ = '0';
    *out++ = '.';
    out = std::fill_n(out, -n, '0');
    return std::copy_n(digits, k, out);
  }
  // Exponent form, e.g. 1e+21, 1.5e-7: the sign of the exponent is always written.
  *out++ = digits[0];
  if (k > 1) {
    *out++ = '.';
    out = std::copy_n(digits + 1, k - 1, out);
  }
  *out++ = 'e';
  *out++ = n - 1 < 0 ? '-' : '+';
  return FormatInteger(n - 1 < 0 ? 1 - n : n - 1, out);
}

// Orders UTF-8 lead bytes as the UTF-16 code units of their characters compare (§3.2.3). UTF-8
// byte order is code point order, which UTF-16 order follows except that characters above
// U+FFFF (lead bytes F0..F4, surrogates D800..DBFF in UTF-16) sort before U+E000..U+FFFF (lead
// bytes EE, EF). Moving EE and EF after every higher byte fixes exactly that. As a permutation
// of bytes it is a strict weak order even on invalid UTF-8, so std::sort stays well defined.
constexpr unsigned Utf16Rank(unsigned char byte) {
  if (byte >= 0xF0) return byte - 2u;
  if (byte >= 0xEE) return byte + 0x10u;
  return byte;
}

// True if `a` sorts before `b` when both are compared as UTF-16 code unit arrays. The first
// differing byte decides: equal prefixes put both at the same position of the same character.
bool Utf16Less(std::string_view a, std::string_view b) {
  const auto [a_diff, b_diff] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  if (a_diff == a.end()) return b_diff != b.end();
  if (b_diff == b.end()) return false;
  return Utf16Rank(static_cast<unsigned char>(*a_diff)) <
         Utf16Rank(static_cast<unsigned char>(*b_diff));
}

void AppendValue(const json& value, std::string& out);

void AppendMember(const json::object_t::value_type& member, std::string& out) {
  AppendString(member.first, out);
  out.push_back(':');
  AppendValue(member.second, out);
}

void AppendObject(const json::object_t& members, std::string& out) {
  out.push_back('{');
  // std::map keeps byte order, which is already UTF-16 order unless a name has a character
  // above U+FFFF next to one in U+E000..U+FFFF: check neighbours, sort only in that rare case.
  bool map_order_is_canonical =
      std::adjacent_find(members.begin(), members.end(), [](const auto& a, const auto& b) {
        return !Utf16Less(a.first, b.first);
      }) == members.end();
  if (map_order_is_canonical) [[likely]] {
    bool first = true;
    for (const auto& member : members) {
      if (!first) out.push_back(',');
      first = false;
      AppendMember(member, out);
    }
  } else {
    std::vector<const json::object_t::value_type*> sorted;
    sorted.reserve(members.size());
    for (const auto& member : members) sorted.push_back(&member);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return Utf16Less(a->first, b->first); });
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendMember(*sorted[i], out);
    }
  }
  out.push_back('}');
}

void AppendValue(const json& value, std::string& out) {
  char number[kNumberBufferSize];
  switch (value.type()) {
    case json::value_t::null:
      out.append("null", 4);
      return;
    case json::value_t::boolean:
      if (*value.get_ptr<const json::boolean_t*>()) {
        out.append("true", 4);
      } else {
        out.append("false", 5);
      }
      return;
    case json::value_t::number_integer:
      out.append(number, FormatInteger(*value.get_ptr<const json::number_integer_t*>(), number));
      return;
    case json::value_t::number_unsigned:
      out.append(number, FormatInteger(*value.get_ptr<const json::number_unsigned_t*>(), number));
      return;
    case json::value_t::number_float: {
      double d = *value.get_ptr<const json::number_float_t*>();
      assert(std::isfinite(d) && "NaN and infinities have no canonical JSON form");
      if (!std::isfinite(d)) [[unlikely]] {
        out.append("null", 4);
        return;
      }
      out.append(number, FormatDouble(d, number));
      return;
    }
    case json::value_t::string:
      AppendString(*value.get_ptr<const json::string_t*>(), out);
      return;
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const json& element : *value.get_ptr<const json::array_t*>()) {
        if (!first) out.push_back(',');
        first = false;
        AppendValue(element, out);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::object:
      AppendObject(*value.get_ptr<const json::object_t*>(), out);
      return;
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  assert(false && "binary and discarded values are not JSON");
  out.append("null", 4);
}

// ---------------------------------------------------------------------------------------------
// Reading

// Length of the well-formed UTF-8 sequence (RFC 3629 §4) at the start of `text`, or 0.
size_t Utf8SequenceLength(std::string_view text) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](size_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return i < text.size() && at(i) >= low && at(i) <= high;
  };
  if (text.empty()) return 0;
  unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    unsigned char high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// `text` made safe to embed in a message and print to a terminal: well-formed non-ASCII UTF-8
// (say, Hangul) is kept, control characters and ill-formed bytes become \xNN.
std::string Printable(std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  std::string out;
  while (!text.empty()) {
    unsigned char byte = static_cast<unsigned char>(text[0]);
    size_t length = Utf8SequenceLength(text);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      char escaped[4] = {'\\', 'x', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
      out.append(escaped, sizeof(escaped));
      length = 1;
    } else {
      out.append(text.data(), length);
    }
    text.remove_prefix(length);
  }
  return out;
}

// A parsed key as a JSON string literal for a message, cut to kMaxQuotedBytes at a character
// boundary (keys are well-formed UTF-8 by the time we see them).
std::string QuotedKey(std::string_view key) {
  std::string out;
  if (key.size() <= kMaxQuotedBytes) {
    AppendString(key, out);
    return out;
  }
  size_t cut = kMaxQuotedBytes;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  AppendString(key.substr(0, cut), out);
  out += "...";
  return out;
}

// A char iterator that records how far nlohmann's lexer has read: its SAX events carry no
// positions, and we want byte offsets in every error message.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* position, const char** high_water)
      : position_(position), high_water_(high_water) {}

  reference operator*() const { return *position_; }
  TrackingIterator& operator++() {
    *high_water_ = ++position_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) {
    return a.position_ == b.position_;
  }

 private:
  const char* position_;
  const char** high_water_;
};

// Builds the DOM from SAX events like nlohmann's json_sax_dom_parser, adding the I-JSON checks,
// the depth limit, and positions. Returning false from an event stops the parse at once.
class StrictDomBuilder final : public nlohmann::json_sax<json> {
 public:
  StrictDomBuilder(std::string_view text, const JsonLimits& limits)
      : text_(text), limits_(limits), read_end_(text.data()) {}

  TrackingIterator InputBegin() { return TrackingIterator(text_.data(), &read_end_); }
  TrackingIterator InputEnd() { return TrackingIterator(text_.data() + text_.size(), &read_end_); }

  const Status& status() const { return status_; }
  json& root() { return root_; }

  bool null() override { return Add(json(nullptr)); }
  bool boolean(bool value) override { return Add(json(value)); }

  bool number_integer(number_integer_t value) override {
    if (value < -kMaxExactInteger || value > kMaxExactInteger) {
      char literal[kNumberBufferSize];
      if (!CheckLargeInteger(std::string_view(literal, FormatInteger(value, literal) - literal),
                             static_cast<double>(value))) {
        return false;
      }
    }
    return Add(json(value));
  }

  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<uint64_t>(kMaxExactInteger)) {
      char literal[kNumberBufferSize];
      if (!CheckLargeInteger(std::string_view(literal, FormatInteger(value, literal) - literal),
                             static_cast<double>(value))) {
        return false;
      }
    }
    return Add(json(value));
  }

  bool number_float(number_float_t value, const string_t& literal) override {
    // nlohmann falls back to a double for integer literals beyond int64/uint64.
    if (literal.find_first_of(".eE") == std::string::npos && !CheckLargeInteger(literal, value)) {
      return false;
    }
    return Add(json(value));
  }

  bool string(string_t& value) override { return Add(json(std::move(value))); }
  bool binary(binary_t& value) override { return Add(json(std::move(value))); }

  bool start_object(std::size_t /*elements*/) override { return Open(json::value_t::object); }

  bool key(string_t& key) override {
    auto& members = *stack_.back()->get_ptr<json::object_t*>();
    // try_emplace leaves `key` intact when it is already present, so we can still name it.
    const auto [member, inserted] = members.try_emplace(std::move(key));
    if (!inserted) {
      return Fail("duplicate object key " + QuotedKey(key) + " at byte " +
                  std::to_string(StartOfLastKey()) + " (I-JSON, RFC 7493 §2.3)");
    }
    pending_member_ = &member->second;
    return true;
  }

  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(json::value_t::array); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::json::exception& error) override {
    status_ = InvalidArgumentError(DescribeSyntaxError(position, last_token, error));
    syntax_error_ = true;
    return false;
  }

  // Syntax errors carry the lexer's own position; the other checks (depth, duplicate keys,
  // large integers) need to know how far the input was read, which only tracking provides.
  bool needs_positions() const { return !status_.ok() && !syntax_error_; }

 private:
  // Bytes the lexer has consumed so far.
  // 0 when parsing without a tracking iterator: ParseJson then discards any message that
  // needs a position and parses again with one.
  size_t Consumed() const { return static_cast<size_t>(read_end_ - text_.data()); }

  bool Fail(std::string message) {
    status_ = InvalidArgumentError(std::move(message));
    return false;
  }

  bool Add(json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
    } else if (json* parent = stack_.back(); parent->is_array()) {
      parent->get_ptr<json::array_t*>()->push_back(std::move(value));
    } else {
      *pending_member_ = std::move(value);
    }
    return true;
  }

  bool Open(json::value_t type) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      // The lexer has just consumed the bracket and nothing after it.
      return Fail("JSON nested deeper than " + std::to_string(limits_.max_depth) +
                  " levels at byte " + std::to_string(Consumed() > 0 ? Consumed() - 1 : 0));
    }
    json* container;
    if (stack_.empty()) {
      root_ = json(type);
      container = &root_;
    } else if (json* parent = stack_.back(); parent->is_array()) {
      auto& elements = *parent->get_ptr<json::array_t*>();
      elements.emplace_back(type);
      container = &elements.back();
    } else {
      *pending_member_ = json(type);
      container = pending_member_;
    }
    // Pointers into a parent array stay valid: we only append to the innermost container.
    stack_.push_back(container);
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  // An integer literal beyond +-2^53 is kept only if it is exactly RFC 8785's spelling of the
  // double nearest to it; otherwise the value would silently change when re-serialized.
  bool CheckLargeInteger(std::string_view literal, double nearest) {
    char canonical[kNumberBufferSize];
    std::string_view spelled(canonical, FormatDouble(nearest, canonical) - canonical);
    if (spelled == literal) return true;
    return Fail("integer " + Printable(literal.substr(0, kMaxQuotedBytes)) + " at byte " +
                std::to_string(StartOfLastNumber(literal.size())) +
                " is beyond +-2^53 and would be read as " + std::string(spelled) +
                " (I-JSON, RFC 7493 §2.2); store it as a string");
  }

  // The lexer reads one byte past a number to see where it ends, unless the text ends there.
  // That byte is never a digit after an out-of-range integer, which always ends with one.
  size_t StartOfLastNumber(size_t length) const {
    size_t end = Consumed();
    if (end > 0 && (text_[end - 1] < '0' || text_[end - 1] > '9')) --end;
    return end >= length ? end - length : 0;
  }

  // The lexer has consumed the key's closing quote and nothing more; walk back to the opening
  // quote, the first '"' preceded by an even number of backslashes.
  size_t StartOfLastKey() const {
    if (Consumed() == 0) return 0;
    size_t quote = Consumed() - 1;
    while (quote > 0) {
      --quote;
      if (text_[quote] != '"') continue;
      size_t backslashes = 0;
      while (backslashes < quote && text_[quote - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return quote;
    }
    return 0;
  }

  // Rewords nlohmann's message ("[json.exception.parse_error.101] parse error at line 1, column
  // 4: syntax error while parsing value - ...") around a 0-based byte offset, without the
  // input it was reading.
  std::string DescribeSyntaxError(size_t position, const std::string& last_token,
                                  const nlohmann::json::exception& error) const {
    std::string detail = error.what();
    if (size_t bracket = detail.find("] "); bracket != std::string::npos) {
      detail.erase(0, bracket + 2);
    }
    if (detail.starts_with("parse error at line ")) {
      if (size_t colon = detail.find(": "); colon != std::string::npos) {
        detail.erase(0, colon + 2);
      }
    }
    // `position` counts bytes read including the offending one (or the end of input).
    size_t offset = position > 0 ? position - 1 : 0;
    if (error.id == 406) {
      // "number overflow parsing '1e400'": the lexer stands on the number's last byte.
      offset = position >= last_token.size() ? position - last_token.size() : 0;
    }
    if (detail.ends_with("; expected end of input")) {
      detail = "unexpected data after the JSON value";
    } else if (size_t at = detail.find("; last read: "); at != std::string::npos) {
      // The text read last may be part of a name or a testimony: the byte offset points at the
      // mistake without repeating it into terminals and logs.
      detail.erase(at);
    } else if (error.id == 406 && !last_token.empty()) {
      // "number overflow parsing '1e400'": a number says nothing about anyone; keep it short.
      std::string quoted_token = "'" + last_token + "'";
      if (size_t at = detail.find(quoted_token); at != std::string::npos) {
        std::string_view shown = std::string_view(last_token).substr(0, kMaxQuotedBytes);
        detail.replace(at, quoted_token.size(), "'" + Printable(shown) + "'");
      }
    }
    std::string message = "malformed JSON at byte " + std::to_string(offset) + ": " + detail;
    if (offset >= text_.size()) message += " (is the input truncated?)";
    return message;
  }

  std::string_view text_;
  const JsonLimits& limits_;
  const char* read_end_;  // advanced by TrackingIterator
  Status status_;
  bool syntax_error_ = false;
  json root_;
  std::vector<json*> stack_;        // open arrays and objects, innermost last
  json* pending_member_ = nullptr;  // the member whose key was just read
};

// ---------------------------------------------------------------------------------------------
// The fast path. simdjson checks the grammar and UTF-8 and lexes a line several times faster
// than nlohmann's char-by-char lexer; the DOM is then built from its tape. It only ever says
// "here is the value" or "not sure": whatever it is not sure about (every text simdjson
// rejects, duplicate keys, excess depth, integers beyond +-2^53, "-0") goes to the strict path
// below, which decides and words the message. So the fast path can only make acceptance
// faster, never different, as long as what it accepts is exactly what the strict path accepts
// with the same value; tests/base/canonical_json_test.cc checks that differentially.
//
// Facts about simdjson (3.0.1) this relies on, all checked by those tests: it validates UTF-8
// as RFC 3629 does (no overlong forms, no encoded surrogates, nothing above U+10FFFF); it
// rejects unescaped control characters, lone surrogate escapes, trailing data and every
// grammar error nlohmann's strict mode rejects; numbers are correctly rounded, as glibc's
// strtod (nlohmann's) is.

// Texts above this go straight to the strict path: a thread's simdjson parser keeps buffers
// sized for the largest text it has seen (about ten times the text), and ledger entries and
// import lines are a few KB.
constexpr size_t kFastPathMaxBytes = 256 << 10;

class FastDomBuilder {
 public:
  FastDomBuilder(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  // False if the strict path must decide.
  bool Build(simdjson::dom::element element, json& out, int depth) {
    using Type = simdjson::dom::element_type;
    switch (element.type()) {
      case Type::ARRAY: {
        if (depth >= max_depth_) return false;
        simdjson::dom::array elements = element.get_array().value_unsafe();
        out = json::array();
        auto& array = *out.get_ptr<json::array_t*>();
        array.reserve(elements.size());
        for (simdjson::dom::element item : elements) {
          if (!Build(item, array.emplace_back(), depth + 1)) return false;
        }
        return true;
      }
      case Type::OBJECT: {
        if (depth >= max_depth_) return false;
        // A named object: iterating get_object().value_unsafe() directly would walk a
        // temporary that is gone by the first iteration.
        simdjson::dom::object fields = element.get_object().value_unsafe();
        out = json::object();
        auto& members = *out.get_ptr<json::object_t*>();
        for (simdjson::dom::key_value_pair member : fields) {
          auto [it, inserted] = members.try_emplace(std::string(member.key));
          if (!inserted) return false;  // duplicate: the strict path names it
          if (!Build(member.value, it->second, depth + 1)) return false;
        }
        return true;
      }
      case Type::INT64: {
        int64_t value = element.get_int64().value_unsafe();
        if (value < -kMaxExactInteger || value > kMaxExactInteger) return false;
        if (value < 0) {
          out = json(static_cast<json::number_integer_t>(value));
        } else {
          // nlohmann reads "-0" as a signed 0 and "0" as an unsigned one; simdjson reads both
          // as 0. Only a text that spells "-0" somewhere can hold the former.
          if (value == 0 && text_.find("-0") != std::string_view::npos) return false;
          out = json(static_cast<json::number_unsigned_t>(value));
        }
        return true;
      }
      case Type::UINT64:  // only used above INT64_MAX, far beyond 2^53
        return false;
      case Type::DOUBLE: {
        double value = element.get_double().value_unsafe();
        // A double beyond 2^53 may have been an integer literal, which needs the canonical
        // spelling check; -0.0 may have been "-0", which nlohmann reads as an integer.
        if (std::fabs(value) >= static_cast<double>(kMaxExactInteger) ||
            (value == 0 && std::signbit(value))) {
          return false;
        }
        out = json(value);
        return true;
      }
      case Type::STRING: {
        std::string_view value = element.get_string().value_unsafe();
        out = json(std::string(value));
        return true;
      }
      case Type::BOOL:
        out = json(element.get_bool().value_unsafe());
        return true;
      case Type::NULL_VALUE:
        out = json(nullptr);
        return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  int max_depth_;
};

// The value of `text`, or nullopt if the strict path must decide (which includes every text
// that is not I-JSON). Size, BOM and NUL checks have been done.
std::optional<json> ParseFast(std::string_view text, const JsonLimits& limits) {
  if (text.size() > kFastPathMaxBytes) return std::nullopt;
  thread_local simdjson::dom::parser parser;
  // Copies the text into the parser's padded buffer, reused from line to line.
  simdjson::simdjson_result<simdjson::dom::element> document =
      parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true);
  if (document.error() != simdjson::SUCCESS) return std::nullopt;
  json out;
  FastDomBuilder builder(text, limits.max_depth);
  if (!builder.Build(document.value_unsafe(), out, 0)) return std::nullopt;
  return out;
}

}  // namespace

Result<json> ParseJson(std::string_view text, const JsonLimits& limits) {
  return internal::ParseJsonChecked(text, limits, /*fast_path=*/true);
}

namespace internal {

std::optional<json> ParseJsonFastPathOnly(std::string_view text, const JsonLimits& limits) {
  if (text.empty() || text.size() > limits.max_bytes || text.starts_with("\xEF\xBB\xBF") ||
      text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  return ParseFast(text, limits);
}

Result<json> ParseJsonChecked(std::string_view text, const JsonLimits& limits, bool fast_path) {
  if (text.size() > limits.max_bytes) {
    return InvalidArgumentError("JSON text is " + std::to_string(text.size()) +
                                " bytes, over the limit of " + std::to_string(limits.max_bytes));
  }
  if (text.empty()) return InvalidArgumentError("malformed JSON at byte 0: empty input");
  // nlohmann skips a byte order mark silently; RFC 8259 §8.1 forbids sending one, and a strict
  // reader should not accept two byte sequences for the same entry.
  if (text.starts_with("\xEF\xBB\xBF")) {
    return InvalidArgumentError("malformed JSON at byte 0: byte order mark before the JSON value");
  }
  // nlohmann's lexer takes a NUL byte for the end of input, so "{}\0anything" would pass as {}.
  // No JSON text contains a raw NUL (inside strings it must be escaped), so refuse it up front.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return InvalidArgumentError("malformed JSON at byte " + std::to_string(nul) +
                                ": NUL byte (JSON allows it only escaped, as \\u0000)");
  }
  try {
    if (fast_path) {
      if (std::optional<json> value = ParseFast(text, limits)) return std::move(*value);
    }
    // Plain pointers let the lexer run at full speed; only a rejected text is parsed again
    // with a tracking iterator, to say at which byte the problem is.
    StrictDomBuilder builder(text, limits);
    bool parsed = json::sax_parse(text.data(), text.data() + text.size(), &builder,
                                  json::input_format_t::json, /*strict=*/true,
                                  /*ignore_comments=*/false);
    if (builder.needs_positions()) {
      StrictDomBuilder tracked(text, limits);
      json::sax_parse(tracked.InputBegin(), tracked.InputEnd(), &tracked,
                      json::input_format_t::json, /*strict=*/true, /*ignore_comments=*/false);
      return tracked.status().ok() ? builder.status() : tracked.status();
    }
    if (!builder.status().ok()) return builder.status();
    if (!parsed) return InternalError("JSON parser stopped without saying why");
    return std::move(builder.root());
  } catch (const std::bad_alloc&) {
    return UnavailableError("out of memory parsing a JSON text of " + std::to_string(text.size()) +
                            " bytes");
  } catch (const std::exception& e) {
    return InternalError(std::string("unexpected exception parsing JSON: ") + e.what());
  } catch (...) {
    return InternalError("unexpected exception parsing JSON");
  }
}

}  // namespace internal

std::string CanonicalJson(const json& value) {
  std::string out;
  AppendValue(value, out);
  return out;
}

void AppendCanonicalJson(const json& value, std::string& out) { AppendValue(value, out); }

void AppendCanonicalString(std::string_view text, std::string& out) { AppendString(text, out); }

}  // namespace custodian
