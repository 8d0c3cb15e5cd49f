// crypto: the primitives Custodian trusts, behind one small interface.
//
//   SHA-256     OpenSSL EVP (hardware-accelerated where the CPU has SHA extensions); used
//               for ledger leaves and nodes (RFC 6962 §2.1).
//   Ed25519     libsodium; signs ledger checkpoints. The private key never leaves the key
//               file it was generated into except as a signature.
//   AEAD        XChaCha20-Poly1305 (IETF construction, libsodium) with 192-bit random
//               nonces: seals witness identities under their data keys and wraps keys.
//   argon2id    libsodium crypto_pwhash: account passwords (self-describing hash strings) and
//               the key that a passphrase unlocks.
//   HMAC        HMAC-SHA-256 (libsodium), for pseudonyms that only the key holder can link.
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

// ---- Secret keys, AEAD, password hashing --------------------------------------------------

inline constexpr size_t kSecretKeySize = 32;
inline constexpr size_t kAeadNonceSize = 24;  // XChaCha20
inline constexpr size_t kAeadTagSize = 16;    // Poly1305

// A 256-bit symmetric key, held in memory that is locked against swapping where the system
// allows and wiped when the key is destroyed. Move-only, so no stray copies exist. Keys live in
// slots of a process-wide pool whose pages are locked once: an import opens tens of thousands
// of data keys, and a lock and unlock system call for each would cost more than the
// encryption (and unlocking one key's page would unlock its neighbours).
class SecretKey {
 public:
  static SecretKey Generate(Env& env);
  // Fails unless `bytes` is exactly kSecretKeySize long.
  static Result<SecretKey> FromBytes(std::string_view bytes);
  SecretKey();                            // all zero
  SecretKey(SecretKey&& other) noexcept;  // `other` is left all zero
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  std::string_view bytes() const { return {reinterpret_cast<const char*>(key_), kSecretKeySize}; }

 private:
  uint8_t* key_;  // a pool slot, never null
};

// nonce || ciphertext || tag of `plaintext`, authenticating `associated_data` too. The nonce
// is random (from `env`), which 192 bits make safe for any number of messages under one key.
std::string AeadSeal(const SecretKey& key, std::string_view plaintext,
                     std::string_view associated_data, Env& env);
// The plaintext of AeadSeal's output, or DataLoss if the bytes or the associated data were
// changed or the key is not the one that sealed them. No partial plaintext is ever returned.
Result<std::string> AeadOpen(const SecretKey& key, std::string_view sealed,
                             std::string_view associated_data);

// The cost of an argon2id derivation: `ops` passes over `memory_bytes` of memory.
struct Argon2Params {
  uint64_t ops = 0;
  size_t memory_bytes = 0;
};
// What Custodian uses for passwords and passphrases: 4 passes over 128 MiB, 0.2-0.35 s on a
// 2-core server of 2026 (bench/import_bench measures it); docs/formats/keys.md records why.
Argon2Params DefaultArgon2Params();
inline constexpr size_t kArgon2SaltSize = 16;

// A key derived from a passphrase (argon2id v1.3).
Result<SecretKey> DeriveKey(std::string_view passphrase, std::string_view salt,
                            const Argon2Params& params);
// A self-describing argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") with a random
// salt, for storing a password.
Result<std::string> HashPassword(std::string_view password, const Argon2Params& params);
// Whether `password` matches `hash` (the comparison inside libsodium is constant-time).
bool VerifyPassword(std::string_view hash, std::string_view password);

std::array<uint8_t, 32> HmacSha256(const SecretKey& key, std::string_view message);

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);
void SecureWipe(std::span<uint8_t> bytes);

std::string HexEncode(std::span<const uint8_t> bytes);
std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
// Strict RFC 4648 §4 (padding required, no whitespace, unused bits zero); rejects anything
// else. Takes the same time whatever the characters are: use it for secrets (key files, seeds).
Result<std::string> Base64Decode(std::string_view text);
// The same rules and result, through a lookup table: several times faster, but its timing
// depends on the text, so only for bytes that are not secret (ciphertexts, public keys).
Result<std::string> Base64DecodePublic(std::string_view text);

}  // namespace custodian::crypto

#endif  // CUSTODIAN_CRYPTO_CRYPTO_H_
