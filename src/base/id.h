// Record identifiers: "<kind prefix>-<token>", e.g. "act-7k3m9q2x4v1z" or "plc-kp-north-hamgyong".
//
// Generated tokens are 12 Crockford base32 characters (60 random bits from the Env), so ids
// can be made offline at several sites without coordination; hand-made ids (the gazetteer's)
// are readable slugs. Either way an id is lowercase ASCII and safe in file names, URLs and
// log lines: it never carries a name or any other identifying text.
//
// Thread-safety: pure functions.
#ifndef CUSTODIAN_BASE_ID_H_
#define CUSTODIAN_BASE_ID_H_

#include <string>
#include <string_view>

#include "base/env.h"

namespace custodian {

inline constexpr size_t kMaxIdLength = 64;

// A fresh id such as "act-7k3m9q2x4v1z" for a three-letter `prefix`.
std::string GenerateId(Env& env, std::string_view prefix);

// True if `id` is "<prefix>-" followed by 1..60 characters of [a-z0-9-], not ending in '-'.
bool IsValidId(std::string_view id, std::string_view prefix);

// The part before the first '-', or "" if there is none.
std::string_view IdPrefix(std::string_view id);

}  // namespace custodian

#endif  // CUSTODIAN_BASE_ID_H_
