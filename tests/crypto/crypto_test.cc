// Known-answer tests for SHA-256 and Ed25519 (RFC 8032 §7.1 test 1), and the encoders'
// rejection of malformed text.
#include "crypto/crypto.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <random>
#include <set>
#include <thread>

namespace custodian::crypto {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(CryptoTest, Sha256KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Parts({"a", "", "bc"}), Sha256("abc"));
}

TEST(CryptoTest, Ed25519MatchesRfc8032TestOne) {
  Result<std::string> seed =
      HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(seed.ok());
  Result<SigningKey> key = SigningKey::FromSeed(Span(*seed));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(HexEncode(key->public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  Ed25519Signature sig = key->Sign("");
  EXPECT_EQ(HexEncode(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(VerifyEd25519(key->public_key(), "", sig));
  EXPECT_FALSE(VerifyEd25519(key->public_key(), "x", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(VerifyEd25519(key->public_key(), "", sig));
  EXPECT_FALSE(VerifyEd25519(key->public_key(), "", std::span<const uint8_t>(sig).first(63)));
}

TEST(CryptoTest, GeneratedKeysDifferAndSign) {
  SigningKey a = SigningKey::Generate(Env::Default());
  SigningKey b = SigningKey::Generate(Env::Default());
  EXPECT_NE(a.public_key(), b.public_key());
  EXPECT_TRUE(VerifyEd25519(a.public_key(), "checkpoint", a.Sign("checkpoint")));
  EXPECT_FALSE(VerifyEd25519(b.public_key(), "checkpoint", a.Sign("checkpoint")));
  EXPECT_FALSE(SigningKey::FromSeed(std::vector<uint8_t>(31)).ok());
}

TEST(CryptoTest, ConstantTimeEqual) {
  std::string x = "secret-token", y = "secret-token", z = "secret-tokeN";
  EXPECT_TRUE(ConstantTimeEqual(Span(x), Span(y)));
  EXPECT_FALSE(ConstantTimeEqual(Span(x), Span(z)));
  EXPECT_FALSE(ConstantTimeEqual(Span(x), Span(std::string("secret"))));
}

TEST(CryptoTest, HexRoundTripAndRejections) {
  std::string bytes("\x00\xff\x10 z", 5);
  Result<std::string> back = HexDecode(HexEncode(bytes));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, bytes);
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(CryptoTest, Base64RoundTripAndRejections) {
  for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                        std::string("\x00\x01\xfe", 3)}) {
    Result<std::string> back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok()) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_FALSE(Base64Decode("Zm9vYg").ok());     // missing padding
  EXPECT_FALSE(Base64Decode("Zm9v Yg==").ok());  // whitespace
  EXPECT_FALSE(Base64Decode("Zm9v!g==").ok());
  EXPECT_FALSE(Base64Decode("AAA\xc3").ok());  // libsodium alone takes this
}

// The table-driven decoder must accept and reject exactly what libsodium's constant-time one
// does, and decode alike: every text of up to 4 characters from a small alphabet that holds
// both padding and characters outside base64, alone and after a valid quad, and random longer
// ones.
TEST(CryptoTest, PublicBase64DecoderAgreesWithTheConstantTimeOne) {
  const std::string alphabet = "AQgw/+=!Z9 \xc3";
  size_t accepted = 0;
  std::string text;
  std::function<void(size_t)> each = [&](size_t length) {
    Result<std::string> slow = Base64Decode(text);
    Result<std::string> fast = Base64DecodePublic(text);
    ASSERT_EQ(slow.ok(), fast.ok()) << '"' << text << '"';
    if (slow.ok()) {
      EXPECT_EQ(*slow, *fast) << text;
      ++accepted;
    }
    if (length == 0) return;
    for (char c : alphabet) {
      text.push_back(c);
      each(length - 1);
      text.pop_back();
    }
  };
  for (const char* prefix : {"", "QUFB"}) {
    text = prefix;
    each(4);
  }
  EXPECT_GT(accepted, 1000u);  // the alphabet gives valid texts too, with and without padding

  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(random() % 700, '\0');
    for (char& b : bytes) b = static_cast<char>(random());
    std::string encoded = Base64Encode(bytes);
    Result<std::string> fast = Base64DecodePublic(encoded);
    ASSERT_TRUE(fast.ok());
    EXPECT_EQ(*fast, bytes);
    if (!encoded.empty()) encoded[random() % encoded.size()] = "=.-_"[random() % 4];
    EXPECT_EQ(Base64Decode(encoded).ok(), Base64DecodePublic(encoded).ok()) << encoded;
  }
}

// Nonces under the default environment come from a per-thread ChaCha20 stream (secret.cc):
// none may repeat within a thread, between threads, or between a parent and a forked child,
// and each sealed text must still open.
TEST(CryptoTest, DefaultNoncesNeverRepeatAcrossThreadsAndForks) {
  Env& env = Env::Default();
  const SecretKey key = SecretKey::Generate(env);
  auto nonces = [&](int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      const std::string sealed = AeadSeal(key, "x", "ad", env);
      out.push_back(sealed.substr(0, kAeadNonceSize));
      if (i % 1000 == 0) {
        EXPECT_EQ(AeadOpen(key, sealed, "ad").value(), "x");
      }
    }
    return out;
  };
  std::vector<std::string> main_nonces = nonces(20000), other;
  std::thread([&] { other = nonces(20000); }).join();
  std::set<std::string> all(main_nonces.begin(), main_nonces.end());
  all.insert(other.begin(), other.end());
  EXPECT_EQ(all.size(), 40000u);

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string nonce = AeadSeal(key, "x", "ad", env).substr(0, kAeadNonceSize);
    _exit(write(pipe_fds[1], nonce.data(), nonce.size()) == static_cast<ssize_t>(nonce.size()) ? 0
                                                                                               : 1);
  }
  close(pipe_fds[1]);
  std::string from_child(kAeadNonceSize, '\0');
  ASSERT_EQ(read(pipe_fds[0], from_child.data(), from_child.size()),
            static_cast<ssize_t>(from_child.size()));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string from_parent = AeadSeal(key, "x", "ad", env).substr(0, kAeadNonceSize);
  EXPECT_NE(from_child, from_parent);
  EXPECT_FALSE(all.contains(from_child));
}

}  // namespace
}  // namespace custodian::crypto
