// crypto: the primitives Custodian trusts, behind one small interface.
//
//   SHA-256     OpenSSL EVP (hardware-accelerated where the CPU has SHA extensions); used
//               for ledger leaves and nodes (RFC 6962 §2.1).
//   Ed25519     libsodium; signs ledger checkpoints. The private key never leaves the key
//               file it was generated into except as a signature.
//   Encodings   hex and base64 (RFC 4648) for hashes, keys and signatures in text formats.
//
// Secret material is compared only with ConstantTimeEqual and wiped with SecureWipe.
// Thread-safety: every function is safe to call concurrently.
#ifndef CUSTODIAN_CRYPTO_CRYPTO_H_
#define CUSTODIAN_CRYPTO_CRYPTO_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"

namespace custodian::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// SHA-256 of the concatenation of `parts`, without copying them together.
Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts);

// Incremental SHA-256 for data that arrives in pieces (a table scan, a file).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::string_view data);
  Sha256Digest Finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

inline std::string_view AsBytes(const Sha256Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

// An Ed25519 private key (its 32-byte seed); wiped when destroyed.
class SigningKey {
 public:
  static SigningKey Generate(Env& env);
  static Result<SigningKey> FromSeed(std::span<const uint8_t> seed);
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  ~SigningKey();

  const Ed25519PublicKey& public_key() const { return public_key_; }
  std::span<const uint8_t> seed() const { return seed_; }
  Ed25519Signature Sign(std::string_view message) const;

 private:
  SigningKey() = default;
  std::array<uint8_t, kEd25519SeedSize> seed_{};
  std::array<uint8_t, 64> secret_{};  // libsodium's expanded form: seed || public key
  Ed25519PublicKey public_key_{};
};

bool VerifyEd25519(const Ed25519PublicKey& key, std::string_view message,
                   std::span<const uint8_t> signature);

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);
void SecureWipe(std::span<uint8_t> bytes);

std::string HexEncode(std::span<const uint8_t> bytes);
std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
// Strict RFC 4648 §4 (padding required, no whitespace); rejects anything else.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace custodian::crypto

#endif  // CUSTODIAN_CRYPTO_CRYPTO_H_
