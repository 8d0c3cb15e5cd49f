// Witness protection through the repository: the permission matrix for every role, sealed
// identities that never reach the disk in clear text (checked by scanning bytes), erasure,
// key slots and rotation, and hostile keys and ciphertexts.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <sstream>

#include "repo/repo.h"
#include "testing/test_env.h"
#include "testing/test_repo.h"

namespace custodian::repo {
namespace {

using custodian::testing::FastOptions;
using custodian::testing::FullExport;
using custodian::testing::OpenAs;
using custodian::testing::TempDir;
using custodian::testing::TestEnv;
using custodian::testing::TestInit;
using custodian::testing::TestKeyFileText;
using protect::Action;
using protect::Role;

// Identifying strings that must never be found outside a cleared view.
const std::vector<std::string> kSecrets = {"홍길동삼", "Zzyzx Witnessname", "+82-10-5555-0199",
                                           "Qwertyuiop Brother", "1971-03-04"};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ProtectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FastOptions(&env_);
    auto repo = Repository::Init(dir_ / "r", options_, TestInit(/*gazetteer=*/false));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    admin_ = std::move(repo).value();
    ASSERT_TRUE(
        admin_->Add({{"kind", "place"}, {"id", "plc-x"}, {"type", "county"}, {"names", {"Onsong"}}})
            .ok());
    ASSERT_TRUE(admin_->Add(Witness("per-w")).ok());
    ASSERT_TRUE(admin_
                    ->Add({{"kind", "source"},
                           {"id", "src-w"},
                           {"type", "interview"},
                           {"interviewee", "per-w"},
                           {"consent_to_share", true},
                           {"transcript",
                            "I was held in Onsong. [sensitive]Qwertyuiop Brother still lives "
                            "there.[/sensitive] Then I was sent to the camp."}})
                    .ok());
  }

  static Json Witness(const std::string& id) {
    return {{"kind", "person"},
            {"id", id},
            {"names", {"홍길동삼", "Zzyzx Witnessname"}},
            {"born", "1971-03-04"},
            {"contact", "+82-10-5555-0199"},
            {"sex", "female"},
            {"roles", {"victim", "witness"}}};
  }

  std::unique_ptr<Repository> SignedIn(const std::string& account, bool unlock = true) {
    auto repo =
        OpenAs(dir_ / "r", options_, account,
               account == "admin" ? testing::kAdminPassword : "password of " + account, unlock);
    EXPECT_TRUE(repo.ok()) << repo.status().ToString();
    return repo.ok() ? std::move(repo).value() : nullptr;
  }

  // Every byte Custodian keeps on disk for this repository.
  std::string DiskBytes() {
    std::string all;
    for (const char* f : {"custodian.db", "custodian.db-wal", "custodian.db-shm", "ledger.key"}) {
      all += Slurp(dir_ / (std::string("r/") + f));
    }
    return all;
  }

  static void ExpectNoSecret(const std::string& bytes, const std::string& where) {
    for (const std::string& secret : kSecrets) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << "'" << secret << "' found in " << where;
    }
  }

  TestEnv env_;
  TempDir dir_;
  Options options_;
  std::unique_ptr<Repository> admin_;
};

TEST_F(ProtectionTest, IdentitiesNeverReachTheDiskOrNonClearedOutputsInClearText) {
  std::string bytes = DiskBytes();
  ASSERT_GT(bytes.size(), 10000u);
  ExpectNoSecret(bytes, "the database, WAL or key file");
  // Also after a checkpoint has moved the WAL into the database, and in a backup copy.
  admin_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "r/custodian.db").c_str(), &db), SQLITE_OK);
  const std::string sql =
      "PRAGMA wal_checkpoint(TRUNCATE); VACUUM INTO '" + std::string(dir_ / "backup.db") + "'";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ExpectNoSecret(DiskBytes(), "the database after a checkpoint");
  ExpectNoSecret(Slurp(dir_ / "backup.db"), "a backup");

  admin_ = SignedIn("admin");
  for (auto profile : {protect::Profile::kPublic, protect::Profile::kAnalyst}) {
    std::ostringstream out;
    ASSERT_TRUE(admin_->Export(out, {.profile = profile}).ok());
    ExpectNoSecret(out.str(), std::string(protect::ProfileName(profile)) + " export");
    EXPECT_NE(out.str().find("P-"), std::string::npos);  // persons appear as pseudonyms
    EXPECT_EQ(out.str().find("per-w"), std::string::npos);
  }
  std::ostringstream bundle;
  ASSERT_TRUE(admin_->ExportBundle(bundle).ok());
  ExpectNoSecret(bundle.str(), "a ledger bundle");
  std::string log;
  ASSERT_TRUE(admin_
                  ->Log(0, 1000,
                        [&](uint64_t, const ledger::Hash&, const Json& e) {
                          log += e.dump() + "\n";
                          return true;
                        })
                  .ok());
  ExpectNoSecret(log, "the ledger log");
  std::string listed;
  ASSERT_TRUE(admin_
                  ->List({},
                         [&](const Record& r) {
                           listed += r.ToDocument().dump();
                           return true;
                         })
                  .ok());
  ExpectNoSecret(listed, "list");

  // The test could fail: a cleared export does hold every one of them.
  std::ostringstream full;
  ASSERT_TRUE(admin_->Export(full, FullExport()).ok());
  for (const std::string& secret : kSecrets) {
    EXPECT_NE(full.str().find(secret), std::string::npos) << secret;
  }
}

TEST_F(ProtectionTest, RevealNeedsClearanceAndPurposeAndIsAudited) {
  Result<Record> shown = admin_->Get("per-w");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->body["sealed"], Json({"names", "born", "contact"}));
  EXPECT_EQ(shown->pseudonym.size(), 16u);  // P-XXXX-XXXX-XXXX
  EXPECT_EQ(shown->pseudonym.substr(0, 2), "P-");
  EXPECT_EQ(admin_->Reveal("per-w", "").status().code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(admin_->CreateAccount("ina", Role::kInvestigator, false, "password of ina").ok());
  auto ina = SignedIn("ina");
  EXPECT_EQ(ina->Reveal("per-w", "need it").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(admin_->ChangeAccount("ina", {.clearance = true}).ok());
  ina = SignedIn("ina");
  Result<Record> revealed = ina->Reveal("per-w", "preparing the hearing of 3 May");
  ASSERT_TRUE(revealed.ok()) << revealed.status().ToString();
  EXPECT_TRUE(revealed->revealed);
  EXPECT_EQ(revealed->body["names"][0]["text"], "홍길동삼");
  Result<Record> source = ina->Reveal("src-w", "reading the testimony");
  ASSERT_TRUE(source.ok());
  EXPECT_NE(source->body["transcript"].get<std::string>().find("Qwertyuiop Brother"),
            std::string::npos);

  Result<std::vector<AccessEvent>> audit = admin_->Audit("per-w", "", 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].account, "ina");
  EXPECT_EQ((*audit)[0].purpose, "preparing the hearing of 3 May");
  Result<std::vector<AccessEvent>> by_ina = admin_->Audit("", "ina", 10);
  ASSERT_EQ(by_ina->size(), 2u);
  // Pages: the one older than the newest holds only the first reading.
  Result<std::vector<AccessEvent>> older = admin_->Audit("", "ina", 10, (*by_ina)[0].seq);
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].seq, (*by_ina)[1].seq);
  EXPECT_TRUE(admin_->Audit("", "ina", 10, (*by_ina)[1].seq)->empty());
  // A complete export reveals every identity, so it is in every record's audit.
  std::ostringstream full;
  ASSERT_TRUE(admin_->Export(full, FullExport()).ok());
  Result<std::vector<AccessEvent>> with_export = admin_->Audit("per-w", "", 10);
  ASSERT_EQ(with_export->size(), 2u);
  EXPECT_EQ((*with_export)[0].scope, "export:full");
  EXPECT_EQ((*with_export)[0].records, std::vector<std::string>{"*"});
  // The accesses are ledger entries: a rebuild recreates the audit exactly.
  EXPECT_TRUE(admin_->Rebuild()->identical());
  EXPECT_EQ(admin_->Audit("per-w", "", 10)->size(), 2u);
}

TEST_F(ProtectionTest, PermissionMatrixHoldsForEveryRole) {
  ASSERT_TRUE(admin_
                  ->Add({{"kind", "dossier"},
                         {"id", "dos-case"},
                         {"title", "Case 1"},
                         {"records", {"per-w"}}})
                  .ok());
  const std::map<Role, std::string> names = {{Role::kAdmin, "admin"},
                                             {Role::kInvestigator, "inv"},
                                             {Role::kAnalyst, "ana"},
                                             {Role::kLegalOfficer, "leg"},
                                             {Role::kViewer, "vie"}};
  for (const auto& [role, name] : names) {
    if (role == Role::kAdmin) continue;
    ASSERT_TRUE(admin_->CreateAccount(name, role, /*clearance=*/true, "password of " + name).ok());
    ASSERT_TRUE(admin_->Grant(name, "dos-case", true).ok());
  }
  // The specification, written out independently of protect::RoleAllows: A I N L V.
  const std::map<std::string, std::string> expected = {
      {"read", "YYYYY"},           {"write", "YYNNN"},
      {"claim", "YYNYN"},          {"dossier", "YYNYN"},
      {"reveal", "YYNYN"},         {"export public", "YYYYY"},
      {"export analyst", "YYYYN"}, {"export disclosure", "YNNYN"},
      {"export full", "YNNNN"},    {"log", "YYYYN"},
      {"verify", "YYYYY"},         {"checkpoint", "YNNYN"},
      {"witness", "YNNNN"},        {"rebuild", "YNNNN"},
      {"accounts", "YNNNN"},       {"keys", "YNNNN"},
      {"erase", "YNNNN"},          {"audit", "YNNYN"},
      {"link run", "YYNNN"},       {"link decide", "YYNNN"},
      {"link read", "YYYYY"},
  };
  int column = 0;
  int person = 0;
  for (const auto& [role, name] : names) {
    auto repo = SignedIn(name);
    ASSERT_NE(repo, nullptr);
    const std::string victim = "per-v" + std::to_string(++person);
    ASSERT_TRUE(admin_->Add(Witness(victim)).ok());
    std::ostringstream sink;
    const std::map<std::string, std::function<Status()>> attempts = {
        {"read", [&] { return repo->Get("per-w").status(); }},
        {"write",
         [&] {
           return repo->Add({{"kind", "person"}, {"sex", "male"}}).status();
         }},
        {"claim",
         [&] {
           return repo
               ->Add({{"kind", "claim"},
                      {"subject", "per-w"},
                      {"statement", "s"},
                      {"sources",
                       {{{"source", "src-w"}, {"reliability", "b"}, {"credibility", "2"}}}}})
               .status();
         }},
        {"dossier",
         [&] {
           return repo->Add({{"kind", "dossier"}, {"title", "t"}}).status();
         }},
        {"reveal", [&] { return repo->Reveal("per-w", "matrix test").status(); }},
        {"export public",
         [&] { return repo->Export(sink, {.profile = protect::Profile::kPublic}); }},
        {"export analyst",
         [&] { return repo->Export(sink, {.profile = protect::Profile::kAnalyst}); }},
        {"export disclosure",
         [&] {
           return repo->Export(sink, {.profile = protect::Profile::kDisclosure,
                                      .dossier = "dos-case",
                                      .purpose = "matrix test"});
         }},
        {"export full", [&] { return repo->Export(sink, FullExport()); }},
        {"log",
         [&] {
           return repo->Log(0, 1, [](uint64_t, const ledger::Hash&, const Json&) { return true; });
         }},
        {"verify", [&] { return repo->Verify({}).status(); }},
        {"checkpoint", [&] { return repo->Checkpoint().status(); }},
        {"witness", [&] { return repo->AddWitness("not a key"); }},
        {"rebuild", [&] { return repo->Rebuild().status(); }},
        {"accounts",
         [&] {
           return repo->CreateAccount("new-" + name, Role::kViewer, false, "password of new");
         }},
        {"keys", [&] { return repo->Keyring().status(); }},
        {"erase", [&] { return repo->EraseIdentity(victim, "matrix test").status(); }},
        {"audit", [&] { return repo->Audit("", "", 5).status(); }},
        {"link run", [&] { return repo->LinkPersons({.purpose = "matrix test"}).status(); }},
        {"link decide",
         [&] { return repo->DecideLink("per-w", victim, false, "matrix test").status(); }},
        {"link read", [&] { return repo->LinkClusters("", 2, 10, 0).status(); }},
    };
    ASSERT_EQ(attempts.size(), expected.size());
    for (const auto& [what, attempt] : attempts) {
      Status status = attempt();
      bool allowed = expected.at(what)[column] == 'Y';
      if (allowed) {
        EXPECT_NE(status.code(), StatusCode::kPermissionDenied)
            << name << " should be able to " << what << ": " << status.ToString();
      } else {
        EXPECT_EQ(status.code(), StatusCode::kPermissionDenied)
            << name << " must not " << what << ": " << status.ToString();
        EXPECT_NE(status.message().find(name), std::string::npos) << status.message();
      }
    }
    ++column;
  }
  // Nobody signed in may do nothing at all.
  auto anonymous = Repository::Open(dir_ / "r", options_).value();
  EXPECT_EQ(anonymous->Get("per-w").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(anonymous->List({}, [](const Record&) { return true; }).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(ProtectionTest, DossiersAreSeenOnlyByThoseGrantedThem) {
  ASSERT_TRUE(admin_->Add({{"kind", "dossier"}, {"id", "dos-secret"}, {"title", "Case"}}).ok());
  ASSERT_TRUE(admin_->CreateAccount("leg", Role::kLegalOfficer, true, "password of leg").ok());
  auto leg = SignedIn("leg");
  EXPECT_EQ(leg->Get("dos-secret").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(leg->Count({.kind = model::Kind::kDossier}).value(), 0);
  EXPECT_EQ(leg->Export(std::cout, {.profile = protect::Profile::kDisclosure,
                                    .dossier = "dos-secret",
                                    .purpose = "p"})
                .code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(admin_->Grant("leg", "dos-secret", true).ok());
  leg = SignedIn("leg");
  EXPECT_TRUE(leg->Get("dos-secret").ok());
  EXPECT_EQ(leg->Count({.kind = model::Kind::kDossier}).value(), 1);
  // A dossier a legal officer imports is theirs to work on, as is one they add.
  std::istringstream imported("{\"kind\":\"dossier\",\"id\":\"dos-imported\",\"title\":\"T\"}\n");
  Result<ImportReport> report = leg->Import(imported, {});
  ASSERT_TRUE(report.ok() && report->applied) << report.status().ToString();
  EXPECT_TRUE(leg->Get("dos-imported").ok());
  EXPECT_TRUE(SignedIn("leg")->Get("dos-imported").ok());  // the grant is in the ledger
  Result<Record> own = leg->Add({{"kind", "dossier"}, {"title", "Mine"}, {"records", {"src-w"}}});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_TRUE(leg->Get(own->id).ok());
  std::ostringstream package;
  ASSERT_TRUE(leg->Export(package, {.profile = protect::Profile::kDisclosure,
                                    .dossier = own->id,
                                    .purpose = "disclosure to the prosecutor"})
                  .ok());
  // The package holds the dossier, the source and its interviewee, identities revealed.
  EXPECT_NE(package.str().find("src-w"), std::string::npos);
  EXPECT_NE(package.str().find("홍길동삼"), std::string::npos);
  EXPECT_EQ(package.str().find("plc-x"), std::string::npos);  // not referred to
  EXPECT_EQ(admin_->Audit("per-w", "leg", 5)->size(), 1u);
}

TEST_F(ProtectionTest, ErasedIdentityIsGoneForGoodAndTheLedgerStillVerifies) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "r/custodian.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT wrapped FROM data_keys WHERE owner = 'per-w'", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::string wrapped(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                            sqlite3_column_bytes(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  ASSERT_NE(DiskBytes().find(wrapped), std::string::npos);

  Result<uint64_t> erased = admin_->EraseIdentity("per-w", "the witness asked to be forgotten");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(DiskBytes().find(wrapped), std::string::npos) << "the wrapped key survives on disk";
  // Not even the repository key opens it: the data key itself is gone.
  auto reopened = SignedIn("admin");
  EXPECT_EQ(reopened->Reveal("per-w", "try").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reopened->Reveal("src-w", "try").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reopened->Get("per-w")->erased_by, *erased);
  EXPECT_EQ(admin_->EraseIdentity("per-w", "again").status().code(), StatusCode::kAlreadyExists);
  Result<VerifyReport> verified = reopened->Verify({});
  EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  // What was not sealed lives on; nothing can be sealed under the erased identity again.
  EXPECT_TRUE(reopened->Amend("per-w", {{"sex", "male"}}, "correction").ok());
  EXPECT_EQ(reopened->Amend("per-w", {{"names", {"New"}}}, "r").status().code(),
            StatusCode::kFailedPrecondition);
  std::ostringstream full;
  ASSERT_TRUE(reopened->Export(full, FullExport()).ok());
  EXPECT_NE(full.str().find("[erased passage 1]"), std::string::npos);
  ExpectNoSecret(full.str(), "a full export after erasure");
  // A record whose passages were erased can still be amended, and the export re-imported
  // (unchanged lines stay unchanged).
  Result<Record> amended = reopened->Amend("src-w", {{"consent_to_share", false}}, "withdrawn");
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  std::ostringstream again;
  ASSERT_TRUE(reopened->Export(again, FullExport()).ok());
  std::istringstream in(again.str());
  Result<ImportReport> reimported = reopened->Import(in, {});
  ASSERT_TRUE(reimported.ok()) << reimported.status().ToString();
  EXPECT_TRUE(reimported->applied)
      << (reimported->errors.empty() ? "" : reimported->errors[0].message);
  EXPECT_EQ(reimported->created, 0u);
}

TEST_F(ProtectionTest, WrongOrDamagedKeysAreRefusedAndChangeNothing) {
  auto repo = Repository::Open(dir_ / "r", options_).value();
  ASSERT_TRUE(repo->SignIn("admin", testing::kAdminPassword).ok());
  EXPECT_EQ(repo->SignIn("admin", "wrong password!!").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(repo->SignIn("nobody", "wrong password!!").code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(repo->SignIn("admin", testing::kAdminPassword).ok());
  EXPECT_EQ(repo->Unlock({.key_file_text = TestKeyFileText('z')}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(repo->Unlock({.passphrase = "no passphrase slot here"}).code(),
            StatusCode::kPermissionDenied);
  std::string truncated = TestKeyFileText();
  truncated.resize(truncated.size() - 10);
  EXPECT_EQ(repo->Unlock({.key_file_text = truncated}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(repo->Unlock({.key_file_text = "not a key file"}).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(repo->unlocked());
  // Locked, a record without identifying content can still be added; one with it cannot.
  EXPECT_TRUE(repo->Add({{"kind", "person"}, {"sex", "male"}}).ok());
  Status locked = repo->Add(Witness("per-locked")).status();
  EXPECT_EQ(locked.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(locked.message().find("locked"), std::string::npos);

  // A byte of ciphertext changed in the ledger: the envelope does not open, and no partial
  // plaintext comes out; verify names the entry.
  admin_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "r/custodian.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), "
                         "'\"data\":\"', '\"data\":\"A') AS BLOB) "
                         "WHERE seq = (SELECT seq FROM records WHERE id = 'per-w')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto after = SignedIn("admin");
  Result<Record> tampered = after->Reveal("per-w", "check");
  EXPECT_EQ(tampered.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(after->Verify({}).status().code(), StatusCode::kDataLoss);
}

TEST_F(ProtectionTest, ImportErrorsDoNotRepeatIdentifyingText) {
  std::istringstream in(
      "{\"kind\":\"person\",\"names\":[\"Zzyzx Witnessname\" ,]}\n"
      "{\"kind\":\"person\",\"names\":[\"Zzyzx Witnessname\x01\"]}\n"
      "{\"kind\":\"person\",\"names\":[\"x\"],\"born\":\"1971-03-04 or so\"}\n");
  Result<ImportReport> report = admin_->Import(in, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->errors.size(), 3u);
  for (const LineError& e : report->errors) {
    EXPECT_EQ(e.message.find("Witnessname"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("1971"), std::string::npos) << e.message;
  }
  EXPECT_FALSE(report->applied);
}

TEST_F(ProtectionTest, KeySlotsAndRotation) {
  ASSERT_TRUE(admin_->AddKeySlot({.passphrase = "a second way in, long enough"}).ok());
  EXPECT_EQ(admin_->AddKeySlot({.passphrase = "short"}).status().code(),
            StatusCode::kInvalidArgument);
  {
    auto by_passphrase = Repository::Open(dir_ / "r", options_).value();
    ASSERT_TRUE(by_passphrase->SignIn("admin", testing::kAdminPassword).ok());
    EXPECT_TRUE(by_passphrase->Unlock({.passphrase = "a second way in, long enough"}).ok());
  }
  Result<KeyringInfo> before = admin_->Keyring();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->slots.size(), 2u);
  EXPECT_EQ(before->data_keys, 1);  // per-w's; the source is sealed under its interviewee's

  const std::string new_key_file = TestKeyFileText('n');
  Result<int64_t> rotated = admin_->RotateKey({.key_file_text = new_key_file});
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(*rotated, 1);
  Result<KeyringInfo> after = admin_->Keyring();
  EXPECT_NE(after->fingerprint, before->fingerprint);
  EXPECT_EQ(after->slots.size(), 1u);

  auto repo = Repository::Open(dir_ / "r", options_).value();
  ASSERT_TRUE(repo->SignIn("admin", testing::kAdminPassword).ok());
  EXPECT_EQ(repo->Unlock({.key_file_text = TestKeyFileText()}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(repo->Unlock({.passphrase = "a second way in, long enough"}).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(repo->Unlock({.key_file_text = new_key_file}).ok());
  Result<Record> revealed = repo->Reveal("per-w", "after rotation");
  ASSERT_TRUE(revealed.ok()) << revealed.status().ToString();
  EXPECT_EQ(revealed->body["contact"], "+82-10-5555-0199");
  EXPECT_EQ(repo->Get("per-w")->pseudonym, admin_->Get("per-w")->pseudonym);  // stable
  EXPECT_TRUE(repo->Verify({}).ok());
  EXPECT_EQ(repo->RemoveKeySlot(after->slots[0].id).code(), StatusCode::kFailedPrecondition);
}

TEST_F(ProtectionTest, PassageMarkupAndEnvelopesAreCheckedOnTheWayIn) {
  EXPECT_EQ(admin_
                ->Add({{"kind", "source"},
                       {"type", "interview"},
                       {"transcript", "[sensitive]never closed"}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_
                ->Add({{"kind", "source"},
                       {"type", "interview"},
                       {"transcript", "fake [sealed passage 1] here"}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  // A user cannot smuggle an envelope in: "sealed" is not a field.
  EXPECT_EQ(admin_->Add({{"kind", "person"}, {"sealed", {{"key", "per-w"}, {"data", "AAAA"}}}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(admin_->Amend("per-w", {{"sealed", nullptr}}, "drop it").status().code(),
            StatusCode::kInvalidArgument);
  // Markup outside text fields would be stored as typed: refused.
  Status excerpt = admin_
                       ->Add({{"kind", "claim"},
                              {"subject", "per-w"},
                              {"statement", "s"},
                              {"sources",
                               {{{"source", "src-w"},
                                 {"reliability", "b"},
                                 {"credibility", "2"},
                                 {"excerpt", "[sensitive]my name[/sensitive]"}}}}})
                       .status();
  EXPECT_EQ(excerpt.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(excerpt.message().find("field 'sources'"), std::string::npos) << excerpt.message();
  // An amendment that touches an open field keeps the sealed ones, without showing them.
  ASSERT_TRUE(admin_->CreateAccount("inv", Role::kInvestigator, false, "password of inv").ok());
  auto inv = SignedIn("inv");
  Result<Record> amended = inv->Amend("per-w", {{"sex", "male"}}, "corrected");
  ASSERT_TRUE(amended.ok()) << amended.status().ToString();
  EXPECT_FALSE(amended->body.contains("names"));
  EXPECT_EQ(admin_->Reveal("per-w", "check amend")->body["names"][1]["text"], "Zzyzx Witnessname");
  // A claim about a person seals its passages under that person's key: erasing the person
  // erases them too.
  Result<Record> claim = admin_->Add(
      {{"kind", "claim"},
       {"subject", "per-w"},
       {"statement", "She said [sensitive]where her brother hides[/sensitive]."},
       {"sources", {{{"source", "src-w"}, {"reliability", "b"}, {"credibility", "2"}}}}});
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  ASSERT_TRUE(admin_->EraseIdentity("per-w", "test").ok());
  EXPECT_EQ(admin_->Reveal(claim->id, "check").status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace custodian::repo
