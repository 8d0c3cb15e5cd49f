// Known-answer tests for SHA-256 and Ed25519 (RFC 8032 §7.1 test 1), and the encoders'
// rejection of malformed text.
#include "crypto/crypto.h"

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace custodian::crypto
