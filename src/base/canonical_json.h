// Canonical JSON: the one byte-exact form in which ledger entries are hashed and signed.
//
// Two Custodian instances (or Custodian and an outside verifier) must produce identical bytes for
// the same entry, or every hash chain breaks. We therefore follow RFC 8785, the JSON
// Canonicalization Scheme (JCS), which any verifier can reimplement from the spec alone:
//
//   * ParseJson accepts only I-JSON (RFC 7493), the input domain JCS requires (RFC 8785 §3.1):
//     well-formed UTF-8 with no lone surrogates (RFC 7493 §2.1), no duplicate member names
//     (§2.3), and numbers a binary64 double carries without silent change (§2.2). It also
//     rejects a byte order mark, raw NUL bytes, trailing data, text longer than
//     JsonLimits::max_bytes (checked before parsing) and nesting deeper than JsonLimits::max_depth
//     (checked while parsing, so a hostile "[[[[..." fails at the first excess bracket). Errors are
//     InvalidArgument statuses naming the byte offset and, for duplicates, the key; ParseJson never
//     throws.
//
//   * Integer literals beyond +-2^53 are rejected (e.g. 9007199254740993 would be read as
//     ...992), with one exception: a literal that is exactly what RFC 8785 §3.2.2.3 prints for
//     the double it denotes (e.g. 123456789012345680000) is accepted, because it survives a
//     parse/serialize round trip unchanged. Without that exception CanonicalJson's own output
//     for large doubles would be unreadable to ParseJson.
//
//   * CanonicalJson writes (RFC 8785 §3.2): no insignificant whitespace (§3.2.1); literals as
//     null/true/false (§3.2.2.1); strings escaping only '"', '\\' and U+0000..U+001F, with the
//     short forms \b \t \n \f \r and otherwise \u00xx in lowercase hex, all else (including '/',
//     DEL and U+2028) as literal UTF-8 (§3.2.2.2, §3.2.4); numbers as ECMAScript's
//     Number.prototype.toString (§3.2.2.3), so 2.0 -> 2, -0.0 -> 0, 1e21 -> 1e+21, 1e-7 -> 1e-7;
//     object members sorted by their names as arrays of UTF-16 code units (§3.2.3), which differs
//     from UTF-8 byte order when a name holds a character above U+FFFF.
//
// Preconditions of CanonicalJson, all met by any value ParseJson returns:
//   * Strings are valid UTF-8. Invalid bytes are copied through unchanged rather than replaced,
//     so that two distinct values never share a canonical form; the output is then not JSON and
//     ParseJson rejects it.
//   * Integers lie within +-2^53, or are a double's canonical spelling like those ParseJson
//     admits. Other int64/uint64 values are written exactly, a form RFC 8785 (whose numbers are
//     all doubles) does not have, and ParseJson will refuse to read them back. Store such values
//     as strings.
//   * Doubles are finite and there are no binary or discarded values: none has a JSON form
//     (RFC 8785 §3.2.2.3 makes NaN and infinities an error). Debug builds assert; release builds
//     write null.
//   * Nesting is moderate: the writer recurses once per level.
//
// Thread-safety: all functions are reentrant and keep no shared mutable state. Concurrent calls
// on the same const nlohmann::json are safe.
#ifndef CUSTODIAN_BASE_CANONICAL_JSON_H_
#define CUSTODIAN_BASE_CANONICAL_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace custodian {

struct JsonLimits {
  size_t max_bytes = 1 << 20;
  // The outermost array or object is depth 1; scalars inside it do not add a level.
  int max_depth = 64;
};

// Parses exactly one I-JSON text (see the contract above). Surrounding JSON whitespace is
// allowed; anything else after the value is an error.
Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Returns the RFC 8785 canonical form of `value`.
std::string CanonicalJson(const nlohmann::json& value);

// Appends the RFC 8785 canonical form of `value` to `out`. Reusing one `out` across calls avoids
// allocation once it has grown to the usual entry size.
void AppendCanonicalJson(const nlohmann::json& value, std::string& out);
// Appends one string as canonical JSON (quoted, escaped): for writing a document member by
// member when its members are already sorted.
void AppendCanonicalString(std::string_view text, std::string& out);

namespace internal {
// For tests that hold the two readers behind ParseJson against each other. ParseJson is
// ParseJsonChecked(..., true): a fast path (simdjson) that either returns the value or defers
// to the strict path (nlohmann), which alone decides errors. `fast_path` false skips it.
Result<nlohmann::json> ParseJsonChecked(std::string_view text, const JsonLimits& limits,
                                        bool fast_path);
// The fast path alone: the value, or nullopt where it defers to the strict path.
std::optional<nlohmann::json> ParseJsonFastPathOnly(std::string_view text,
                                                    const JsonLimits& limits = {});
}  // namespace internal

}  // namespace custodian

#endif  // CUSTODIAN_BASE_CANONICAL_JSON_H_
