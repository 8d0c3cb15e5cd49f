// The pieces of witness protection on their own: AEAD and argon2id as Custodian uses them,
// envelopes and passage markup, key slots and key files, pseudonyms, export profiles,
// account names and passwords.
#include "protect/protect.h"

#include <gtest/gtest.h>

#include "testing/test_env.h"

namespace custodian::protect {
namespace {

using custodian::testing::TestEnv;
using model::Kind;

const crypto::Argon2Params kFast = {.ops = 1, .memory_bytes = 8192};

SecretKey Key(char fill) { return SecretKey::FromBytes(std::string(32, fill)).value(); }

TEST(AeadTest, SealsAndRefusesAnyChange) {
  TestEnv env;
  SecretKey key = Key('a');
  std::string sealed = crypto::AeadSeal(key, "김철수", "context", env);
  EXPECT_EQ(sealed.size(), crypto::kAeadNonceSize + std::string("김철수").size() + 16);
  EXPECT_EQ(crypto::AeadOpen(key, sealed, "context").value(), "김철수");
  EXPECT_EQ(crypto::AeadOpen(key, sealed, "other context").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(crypto::AeadOpen(Key('b'), sealed, "context").status().code(), StatusCode::kDataLoss);
  for (size_t i = 0; i < sealed.size(); i += 7) {
    std::string flipped = sealed;
    flipped[i] ^= 1;
    EXPECT_EQ(crypto::AeadOpen(key, flipped, "context").status().code(), StatusCode::kDataLoss)
        << i;
  }
  EXPECT_EQ(crypto::AeadOpen(key, sealed.substr(0, 30), "context").status().code(),
            StatusCode::kDataLoss);
  // Random nonces: the same plaintext never seals to the same bytes.
  EXPECT_NE(crypto::AeadSeal(key, "김철수", "context", env), sealed);
}

TEST(Argon2Test, HashesVerifyAndDerivationIsDeterministic) {
  std::string hash = crypto::HashPassword("a long passphrase", kFast).value();
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(crypto::VerifyPassword(hash, "a long passphrase"));
  EXPECT_FALSE(crypto::VerifyPassword(hash, "a long passphrasE"));
  EXPECT_FALSE(crypto::VerifyPassword("not a hash", "a long passphrase"));
  std::string salt(16, 's');
  EXPECT_EQ(crypto::DeriveKey("p", salt, kFast)->bytes(),
            crypto::DeriveKey("p", salt, kFast)->bytes());
  EXPECT_NE(crypto::DeriveKey("p", salt, kFast)->bytes(),
            crypto::DeriveKey("q", salt, kFast)->bytes());
  EXPECT_EQ(crypto::DeriveKey("p", "short", kFast).status().code(), StatusCode::kInvalidArgument);
}

Json Person() {
  return {{"names", {{{"text", "김철수"}}}},
          {"born", "1975~"},
          {"sex", "male"},
          {"description", "Lives in [sensitive]Hoeryong[/sensitive] with family."}};
}

TEST(SealTest, RoundTripsAndBindsTheEnvelopeToItsRecord) {
  TestEnv env;
  SecretKey key = Key('d');
  Json sealed = Seal(Kind::kPerson, "per-a", Person(), "per-a", key, env).value();
  EXPECT_FALSE(sealed.contains("names"));
  EXPECT_FALSE(sealed.contains("born"));
  EXPECT_FALSE(sealed.contains("description"));  // a sealed field, passages and all
  EXPECT_EQ(sealed["sex"], "male");
  EXPECT_EQ(sealed.dump().find("김철수"), std::string::npos);
  EXPECT_EQ(EnvelopeOwner(sealed), "per-a");
  EXPECT_EQ(Unseal(Kind::kPerson, "per-a", sealed, key).value(), Person());
  // Moved to another record, or opened with another key: refused.
  EXPECT_EQ(Unseal(Kind::kPerson, "per-b", sealed, key).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Unseal(Kind::kPerson, "per-a", sealed, Key('e')).status().code(),
            StatusCode::kDataLoss);
  Json altered = sealed;
  altered["sealed"]["key"] = "per-b";
  EXPECT_EQ(Unseal(Kind::kPerson, "per-a", altered, key).status().code(), StatusCode::kDataLoss);
  altered = sealed;
  altered["sealed"]["data"] = "!!!";
  EXPECT_EQ(Unseal(Kind::kPerson, "per-a", altered, key).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Redact(sealed)["sealed"], Json({"names", "born", "description"}));
  // Short and long names give ciphertexts of the same length (padding).
  Json short_name =
      Seal(Kind::kPerson, "per-a", {{"names", {{{"text", "리"}}}}}, "per-a", key, env).value();
  Json long_name = Seal(Kind::kPerson, "per-a", {{"names", {{{"text", "리영희 Ri Yong Hui"}}}}},
                        "per-a", key, env)
                       .value();
  EXPECT_EQ(short_name["sealed"]["data"].get<std::string>().size(),
            long_name["sealed"]["data"].get<std::string>().size());
}

TEST(SealTest, PassagesLeavePlaceholdersAndComeBack) {
  TestEnv env;
  SecretKey key = Key('f');
  Json source = {{"type", "interview"},
                 {"interviewee", "per-a"},
                 {"transcript", "A [sensitive]one[/sensitive] B [sensitive]two[/sensitive] C"}};
  EXPECT_EQ(KeyOwner(Kind::kSource, "src-a", source), "per-a");
  EXPECT_EQ(KeyOwner(Kind::kSource, "src-a", {{"type", "report"}}), "src-a");
  EXPECT_EQ(KeyOwner(Kind::kClaim, "clm-a", {{"subject", "per-a"}}), "per-a");
  EXPECT_EQ(KeyOwner(Kind::kClaim, "clm-a", {{"subject", "act-a"}}), "clm-a");
  Json sealed = Seal(Kind::kSource, "src-a", source, "per-a", key, env).value();
  EXPECT_EQ(sealed["transcript"], "A [sealed passage 1] B [sealed passage 2] C");
  EXPECT_EQ(Redact(sealed)["sealed"], Json({"transcript (2 passages)"}));
  EXPECT_EQ(CheckPassageMarkup(Kind::kSource, {{"title", "[sensitive]x[/sensitive]"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Unseal(Kind::kSource, "src-a", sealed, key).value(), source);
  EXPECT_EQ(WithoutErased(Kind::kSource, sealed)["transcript"],
            "A [erased passage 1] B [erased passage 2] C");
  // Nothing to seal: the body passes unchanged.
  Json plain = {{"type", "report"}, {"summary", "no secrets"}};
  EXPECT_FALSE(HasSealableContent(Kind::kSource, plain));
  EXPECT_EQ(Seal(Kind::kSource, "src-b", plain, "src-b", key, env).value(), plain);
}

TEST(SealTest, BadMarkupIsRefusedNamingTheField) {
  for (const char* text :
       {"[sensitive]open", "close[/sensitive]", "[sensitive]a[sensitive]b[/sensitive]",
        "[sealed passage 1]", "x [/sensitive] [sensitive]y[/sensitive]"}) {
    Status s = CheckPassageMarkup(Kind::kSource, {{"transcript", text}});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(s.message().find("field 'transcript'"), std::string::npos) << s.message();
  }
  EXPECT_TRUE(CheckPassageMarkup(Kind::kSource, {{"transcript", "[sensitive]a[/sensitive]"}}).ok());
}

TEST(KeysTest, SlotsOpenOnlyWithTheirSecret) {
  TestEnv env;
  SecretKey repository_key = Key('r');
  KeySlot by_passphrase =
      NewPassphraseSlot(repository_key, "correct horse battery", kFast, env).value();
  EXPECT_EQ(OpenSlot(by_passphrase, {.passphrase = "correct horse battery"})->bytes(),
            repository_key.bytes());
  EXPECT_EQ(OpenSlot(by_passphrase, {.passphrase = "correct horse batterY"}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(NewPassphraseSlot(repository_key, "short", kFast, env).status().code(),
            StatusCode::kInvalidArgument);

  std::string file = NewKeyFileText(env);
  KeySlot by_file = NewKeyFileSlot(repository_key, file, env).value();
  EXPECT_EQ(OpenSlot(by_file, {.key_file_text = file})->bytes(), repository_key.bytes());
  EXPECT_EQ(OpenSlot(by_file, {.key_file_text = NewKeyFileText(env)}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(OpenSlot(by_file, {.key_file_text = file.substr(0, file.size() - 8)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSlot(by_file, {.key_file_text = "garbage"}).status().code(),
            StatusCode::kInvalidArgument);
  KeySlot damaged = by_file;
  damaged.wrapped[30] ^= 1;
  EXPECT_EQ(OpenSlot(damaged, {.key_file_text = file}).status().code(),
            StatusCode::kPermissionDenied);

  std::string wrapped = WrapKey(repository_key, Key('k'), DataKeyPurpose("per-a"), env);
  EXPECT_EQ(UnwrapKey(repository_key, wrapped, DataKeyPurpose("per-a"))->bytes(), Key('k').bytes());
  EXPECT_EQ(UnwrapKey(repository_key, wrapped, DataKeyPurpose("per-b")).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(KeyFingerprint(repository_key).size(), 16u);
  EXPECT_NE(KeyFingerprint(repository_key), KeyFingerprint(Key('s')));
}

TEST(PseudonymTest, StableKeyedAndWellFormed) {
  std::string p = Pseudonym(Key('p'), "per-a");
  EXPECT_EQ(p, Pseudonym(Key('p'), "per-a"));
  EXPECT_NE(p, Pseudonym(Key('q'), "per-a"));
  EXPECT_NE(p, Pseudonym(Key('p'), "per-b"));
  ASSERT_EQ(p.size(), 16u);
  EXPECT_EQ(p[0], 'P');
  EXPECT_EQ(p[1], '-');
  EXPECT_EQ(p[6], '-');
  EXPECT_EQ(p[11], '-');
}

TEST(ProfileTest, PublicAndAnalystProfilesPseudonymiseAndWithhold) {
  auto withheld = [](const std::string& id) { return id == "src-private"; };
  auto pseudonym = [](const std::string& id) { return "P-" + id; };
  Json act = {{"kind", "act"},
              {"id", "act-a"},
              {"victim", "per-a"},
              {"violation", "torture"},
              {"sources", {"src-public", "src-private"}}};
  Json out = ApplyProfile(Profile::kAnalyst, act, withheld, pseudonym).value();
  EXPECT_EQ(out["victim"], "P-per-a");
  EXPECT_EQ(out["sources"], Json({"src-public"}));
  Json person = {{"kind", "person"}, {"id", "per-a"}, {"sealed", {"names"}}, {"origin", "plc-x"}};
  EXPECT_EQ(ApplyProfile(Profile::kAnalyst, person, withheld, pseudonym)->value("id", ""),
            "P-per-a");
  EXPECT_FALSE(ApplyProfile(Profile::kPublic, person, withheld, pseudonym)->contains("origin"));
  Json source = {{"kind", "source"},
                 {"id", "src-b"},
                 {"type", "interview"},
                 {"transcript", "t"},
                 {"consent_to_share", true}};
  EXPECT_FALSE(ApplyProfile(Profile::kPublic, source, withheld, pseudonym)->contains("transcript"));
  source["consent_to_share"] = false;
  EXPECT_FALSE(ApplyProfile(Profile::kPublic, source, withheld, pseudonym).has_value());
  EXPECT_TRUE(ApplyProfile(Profile::kAnalyst, source, withheld, pseudonym).has_value());
  Json dossier = {{"kind", "dossier"}, {"id", "dos-a"}, {"title", "t"}};
  EXPECT_FALSE(ApplyProfile(Profile::kPublic, dossier, withheld, pseudonym).has_value());
  EXPECT_EQ(ApplyProfile(Profile::kFull, act, withheld, pseudonym).value(), act);
  EXPECT_EQ(ParseProfile("prosecutor").status().code(), StatusCode::kInvalidArgument);
}

TEST(AccessTest, NamesPasswordsTokensAndTheMatrixShape) {
  EXPECT_TRUE(CheckAccountName("kim.analyst-2").ok());
  for (const char* bad : {"", "Kim", "-x", "a b", "x;drop", "이름"}) {
    EXPECT_EQ(CheckAccountName(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CheckAccountName(std::string(65, 'a')).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      CheckPasswordStrength("열두 글자의 한국어 암호입니다").ok());  // characters, not bytes
  EXPECT_EQ(CheckPasswordStrength("열한글자의암호입니").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckPasswordStrength(std::string(2000, 'x')).code(), StatusCode::kInvalidArgument);
  TestEnv env;
  std::string token = NewApiToken(env);
  EXPECT_EQ(token.rfind("cst_", 0), 0u);
  EXPECT_EQ(token.size(), 4u + 43u);
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(TokenDigest(token).size(), 64u);
  // Admins may do everything; clearance is needed exactly for what reveals identities.
  for (Action action : AllActions()) EXPECT_TRUE(RoleAllows(Role::kAdmin, action));
  Principal uncleared{.account = "a", .role = Role::kAdmin};
  EXPECT_EQ(Authorize(uncleared, Action::kRevealIdentity).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authorize(uncleared, Action::kEraseIdentity).ok());
  EXPECT_EQ(Authorize({}, Action::kReadRecords).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ParseRole("root").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace custodian::protect
