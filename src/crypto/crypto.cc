// SHA-256 through OpenSSL's EVP interface, Ed25519 and secret handling through libsodium.
#include "crypto/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <cstring>

namespace custodian::crypto {
namespace {

// Fetching the digest implementation once avoids a provider lookup on every hash, which
// costs as much as hashing a ledger entry (OpenSSL 3 "performance" guide).
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) std::abort();  // OpenSSL without SHA-256 cannot run Custodian at all
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

}  // namespace

Sha256Digest Sha256(std::string_view data) { return Sha256Parts({data}); }

Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadContext();
  Sha256Digest out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, Sha256Md(), nullptr) != 1) std::abort();
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx, part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) std::abort();
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Sha256Md(), nullptr) != 1) {
    std::abort();
  }
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(std::string_view data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) std::abort();
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len) != 1) std::abort();
  return out;
}

SigningKey SigningKey::Generate(Env& env) {
  std::array<uint8_t, kEd25519SeedSize> seed;
  env.RandomBytes(seed);
  Result<SigningKey> key = FromSeed(seed);
  SecureWipe(seed);
  return std::move(key).value();  // a 32-byte seed is always a valid Ed25519 seed
}

Result<SigningKey> SigningKey::FromSeed(std::span<const uint8_t> seed) {
  EnsureSodium();
  if (seed.size() != kEd25519SeedSize) {
    return InvalidArgumentError("an Ed25519 seed is 32 bytes, got " + std::to_string(seed.size()));
  }
  SigningKey key;
  std::memcpy(key.seed_.data(), seed.data(), seed.size());
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.data(), key.seed_.data());
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : seed_(other.seed_), secret_(other.secret_), public_key_(other.public_key_) {
  SecureWipe(other.seed_);
  SecureWipe(other.secret_);
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    seed_ = other.seed_;
    secret_ = other.secret_;
    public_key_ = other.public_key_;
    SecureWipe(other.seed_);
    SecureWipe(other.secret_);
  }
  return *this;
}

SigningKey::~SigningKey() {
  SecureWipe(seed_);
  SecureWipe(secret_);
}

Ed25519Signature SigningKey::Sign(std::string_view message) const {
  Ed25519Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

bool VerifyEd25519(const Ed25519PublicKey& key, std::string_view message,
                   std::span<const uint8_t> signature) {
  EnsureSodium();
  if (signature.size() != kEd25519SignatureSize) return false;
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), key.data()) == 0;
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  EnsureSodium();
  if (a.size() != b.size()) return false;  // lengths are not secret here
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void SecureWipe(std::span<uint8_t> bytes) {
  EnsureSodium();
  sodium_memzero(bytes.data(), bytes.size());
}

std::string HexEncode(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  return HexEncode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

Result<std::string> HexDecode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex text has an odd number of digits");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("not a hex digit at position " + std::to_string(2 * i));
    }
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  EnsureSodium();
  const size_t max = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(max, '\0');
  sodium_bin2base64(out.data(), max, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  EnsureSodium();
  // libsodium 1.0.18 takes some bytes above 0x7f for letters ("AAA\xc3" decodes); none is
  // base64. Looking at every byte's top bit keeps the check's time independent of the text.
  uint8_t high = 0;
  for (char c : text) high |= static_cast<uint8_t>(c);
  if (high & 0x80) return InvalidArgumentError("not valid base64 (RFC 4648, padded)");
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  int rc = sodium_base642bin(reinterpret_cast<uint8_t*>(out.data()), out.size(), text.data(),
                             text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || end != text.data() + text.size()) {
    return InvalidArgumentError("not valid base64 (RFC 4648, padded)");
  }
  out.resize(len);
  return out;
}

Result<std::string> Base64DecodePublic(std::string_view text) {
  // Each character's 6 bits, or 0x40 for a character outside the alphabet ('=' included).
  static constexpr std::array<uint8_t, 256> kValue = [] {
    std::array<uint8_t, 256> value{};
    value.fill(0x40);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
      value[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
    }
    return value;
  }();
  auto invalid = [] { return InvalidArgumentError("not valid base64 (RFC 4648, padded)"); };
  if (text.size() % 4 != 0) return invalid();
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  std::string out(text.size() / 4 * 3 - padding, '\0');
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  const size_t full_quads = text.size() / 4 - (padding > 0 ? 1 : 0);
  uint8_t bad = 0;
  for (size_t q = 0; q < full_quads; ++q, in += 4) {
    const uint8_t a = kValue[in[0]], b = kValue[in[1]], c = kValue[in[2]], d = kValue[in[3]];
    bad |= a | b | c | d;
    const uint32_t bits = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    out[3 * q] = static_cast<char>(bits >> 16);
    out[3 * q + 1] = static_cast<char>(bits >> 8);
    out[3 * q + 2] = static_cast<char>(bits);
  }
  if (bad & 0x40) return invalid();
  if (padding > 0) {
    const uint8_t a = kValue[in[0]], b = kValue[in[1]];
    const uint8_t c = padding == 1 ? kValue[in[2]] : 0;
    if ((a | b | c) & 0x40) return invalid();
    // The bits that the padding leaves over must be zero, so each byte string has one text.
    if (padding == 2 ? (b & 0x0f) != 0 : (c & 0x03) != 0) return invalid();
    const uint32_t bits = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6);
    out[3 * full_quads] = static_cast<char>(bits >> 16);
    if (padding == 1) out[3 * full_quads + 1] = static_cast<char>(bits >> 8);
  }
  return out;
}

}  // namespace custodian::crypto
