// Symmetric secrets through libsodium: keys held in locked, wiped memory; XChaCha20-Poly1305;
// argon2id; HMAC-SHA-256.
#include <pthread.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "crypto/crypto.h"

namespace custodian::crypto {
namespace {

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

namespace {

// Fixed-size slots carved from locked pages. Freed slots are wiped and reused; pages are
// never returned (a process holds at most a few hundred thousand keys, 32 bytes each).
class KeyPool {
 public:
  static KeyPool& Instance() {
    static KeyPool* pool = new KeyPool();  // outlives every static SecretKey
    return *pool;
  }

  uint8_t* Take() {
    std::lock_guard lock(mu_);
    if (free_.empty()) Grow();
    uint8_t* slot = free_.back();
    free_.pop_back();
    return slot;
  }

  void Give(uint8_t* slot) {
    sodium_memzero(slot, kSecretKeySize);
    std::lock_guard lock(mu_);
    free_.push_back(slot);
  }

 private:
  static constexpr size_t kPageBytes = 1 << 16;

  void Grow() {
    EnsureSodium();
    auto* page = static_cast<uint8_t*>(std::aligned_alloc(4096, kPageBytes));
    if (page == nullptr) std::abort();
    std::memset(page, 0, kPageBytes);
    // Best effort: a key paged out to swap would outlive its wipe. Failing to lock (RLIMIT)
    // is not an error worth refusing to work over.
    sodium_mlock(page, kPageBytes);
    for (size_t at = kPageBytes; at >= kSecretKeySize; at -= kSecretKeySize) {
      free_.push_back(page + at - kSecretKeySize);
    }
  }

  std::mutex mu_;
  std::vector<uint8_t*> free_;
};

}  // namespace

SecretKey::SecretKey() : key_(KeyPool::Instance().Take()) {}

SecretKey SecretKey::Generate(Env& env) {
  SecretKey key;
  env.RandomBytes({key.key_, kSecretKeySize});
  return key;
}

Result<SecretKey> SecretKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSecretKeySize) {
    return InvalidArgumentError("a key is " + std::to_string(kSecretKeySize) + " bytes, not " +
                                std::to_string(bytes.size()));
  }
  SecretKey key;
  std::memcpy(key.key_, bytes.data(), kSecretKeySize);
  return key;
}

// Moves swap slots: `other` keeps a valid, wiped one, and no key bytes are copied.
SecretKey::SecretKey(SecretKey&& other) noexcept : SecretKey() { std::swap(key_, other.key_); }

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    std::swap(key_, other.key_);
    sodium_memzero(other.key_, kSecretKeySize);
  }
  return *this;
}

SecretKey::~SecretKey() { KeyPool::Instance().Give(key_); }

namespace {

// Bumped in a forked child, whose copy of a NonceStream must not go on to repeat the nonces the
// parent will also draw.
std::atomic<uint64_t> fork_generation{0};

// Random nonces without a getrandom(2) call each (an import seals a few per record): each
// thread draws a 256-bit key from the environment once and takes nonces from ChaCha20's
// keystream under it, refilled in blocks, each block under its own 64-bit ChaCha20 nonce.
// Why that is safe: within a thread no (key, block nonce, position) repeats, so no nonce
// repeats until 2^64 blocks; between threads and processes the keys are independent and
// uniform, so a collision is as unlikely as between two truly random 192-bit nonces
// (XChaCha20-Poly1305's point: random nonces need no coordination). A fork invalidates the
// stream (fork_generation). Nonces are public, so the key needs no locked memory; it serves
// only this stream.
class NonceStream {
 public:
  void Next(uint8_t* nonce, Env& env) {
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (!seeded_ || generation != generation_) {
      static const bool registered = [] {
        return pthread_atfork(nullptr, nullptr,
                              [] { fork_generation.fetch_add(1, std::memory_order_relaxed); }) == 0;
      }();
      if (!registered) std::abort();  // without it a forked child could repeat nonces
      env.RandomBytes(key_);
      generation_ = generation;
      block_ = 0;
      used_ = sizeof(buffer_);
      seeded_ = true;
    }
    if (used_ == sizeof(buffer_)) {
      uint8_t block_nonce[crypto_stream_chacha20_NONCEBYTES];
      static_assert(sizeof(block_nonce) == sizeof(block_));
      std::memcpy(block_nonce, &block_, sizeof(block_));
      ++block_;
      crypto_stream_chacha20(buffer_, sizeof(buffer_), block_nonce, key_.data());
      used_ = 0;
    }
    std::memcpy(nonce, buffer_ + used_, kAeadNonceSize);
    used_ += kAeadNonceSize;
  }

 private:
  std::array<uint8_t, crypto_stream_chacha20_KEYBYTES> key_{};
  uint8_t buffer_[kAeadNonceSize * 64];
  size_t used_ = sizeof(buffer_);
  uint64_t block_ = 0;
  uint64_t generation_ = 0;
  bool seeded_ = false;
};

}  // namespace

std::string AeadSeal(const SecretKey& key, std::string_view plaintext,
                     std::string_view associated_data, Env& env) {
  std::string out(kAeadNonceSize + plaintext.size() + kAeadTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (&env == &Env::Default()) {
    thread_local NonceStream stream;
    stream.Next(nonce, env);
  } else {
    // Another Env (a test's seeded one) is asked for every nonce, so that its stream alone
    // decides them, reproducibly.
    env.RandomBytes({nonce, kAeadNonceSize});
  }
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + kAeadNonceSize, &written, Bytes(plaintext), plaintext.size(), Bytes(associated_data),
      associated_data.size(), nullptr, nonce, Bytes(key.bytes()));
  out.resize(kAeadNonceSize + written);
  return out;
}

Result<std::string> AeadOpen(const SecretKey& key, std::string_view sealed,
                             std::string_view associated_data) {
  if (sealed.size() < kAeadNonceSize + kAeadTagSize) {
    return DataLossError("sealed data of " + std::to_string(sealed.size()) +
                         " bytes is too short to be genuine");
  }
  std::string plaintext(sealed.size() - kAeadNonceSize - kAeadTagSize, '\0');
  unsigned long long written = 0;
  const unsigned char* nonce = Bytes(sealed);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &written, nullptr,
          nonce + kAeadNonceSize, sealed.size() - kAeadNonceSize, Bytes(associated_data),
          associated_data.size(), nonce, Bytes(key.bytes())) != 0) {
    sodium_memzero(plaintext.data(), plaintext.size());
    return DataLossError("sealed data failed authentication: wrong key, or altered");
  }
  plaintext.resize(written);
  return plaintext;
}

Argon2Params DefaultArgon2Params() {
  // 4 passes over 128 MiB: 0.2-0.35 s on the 2-core machines this project runs on (3 passes
  // fell to 0.16 s on a faster one). Between libsodium's "interactive" (64 MiB, 2 passes) and
  // "moderate" (256 MiB, 3 passes) limits in cost; docs/formats/keys.md says why.
  return {.ops = 4, .memory_bytes = size_t{128} << 20};
}

Result<SecretKey> DeriveKey(std::string_view passphrase, std::string_view salt,
                            const Argon2Params& params) {
  if (salt.size() != crypto_pwhash_SALTBYTES) return InvalidArgumentError("bad argon2id salt");
  SecretKey key;
  std::array<uint8_t, kSecretKeySize> derived{};
  if (crypto_pwhash(derived.data(), derived.size(), passphrase.data(), passphrase.size(),
                    Bytes(salt), params.ops, params.memory_bytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return UnavailableError("argon2id could not get " + std::to_string(params.memory_bytes >> 20) +
                            " MiB of memory");
  }
  Result<SecretKey> out =
      SecretKey::FromBytes({reinterpret_cast<const char*>(derived.data()), derived.size()});
  sodium_memzero(derived.data(), derived.size());
  return out;
}

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  EnsureSodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), params.ops, params.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return UnavailableError("argon2id could not get " + std::to_string(params.memory_bytes >> 20) +
                            " MiB of memory");
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  std::string terminated(hash);  // libsodium reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::array<uint8_t, 32> HmacSha256(const SecretKey& key, std::string_view message) {
  std::array<uint8_t, 32> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key.bytes()), key.bytes().size());
  crypto_auth_hmacsha256_update(&state, Bytes(message), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

}  // namespace custodian::crypto
