// Record ids: random Crockford base32 tokens and the syntax every id must follow.
#include "base/id.h"

#include <array>

namespace custodian {
namespace {
// Crockford's alphabet, lowercased: no i, l, o, u, so ids survive being read aloud or retyped.
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kTokenChars = 12;
}  // namespace

std::string GenerateId(Env& env, std::string_view prefix) {
  std::array<uint8_t, 8> bytes;
  env.RandomBytes(bytes);
  uint64_t bits = 0;
  for (uint8_t b : bytes) bits = (bits << 8) | b;
  std::string id(prefix);
  id += '-';
  for (size_t i = 0; i < kTokenChars; ++i) {
    id += kAlphabet[bits & 31];
    bits >>= 5;
  }
  return id;
}

bool IsValidId(std::string_view id, std::string_view prefix) {
  if (id.size() > kMaxIdLength || id.size() < prefix.size() + 2) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '-') return false;
  std::string_view token = id.substr(prefix.size() + 1);
  if (token.front() == '-' || token.back() == '-') return false;
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view IdPrefix(std::string_view id) {
  size_t dash = id.find('-');
  return dash == std::string_view::npos ? std::string_view() : id.substr(0, dash);
}

}  // namespace custodian
