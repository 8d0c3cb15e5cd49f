// Tamper evidence end to end: checkpoints, proofs, bundles and witnesses verify; editing a
// byte of an entry, deleting, swapping or inserting rows, rewriting nodes, or editing a
// projection is detected by Verify() and named.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>

#include "base/canonical_json.h"
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

class IntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = FastOptions(&env_);
    auto repo = Repository::Init(dir_ / "r", options_, TestInit());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(repo_
                      ->Add({{"kind", "person"},
                             {"id", "per-p" + std::to_string(i)},
                             {"names", {"이름 " + std::to_string(i)}},
                             {"roles", {"victim"}}})
                      .ok());
    }
    ASSERT_TRUE(repo_->Checkpoint().ok());
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(repo_
                      ->Add({{"kind", "act"},
                             {"victim", "per-p" + std::to_string(i)},
                             {"violation", "torture"},
                             {"date", "2009"}})
                      .ok());
    }
    ASSERT_TRUE(repo_->Checkpoint().ok());
    size_ = repo_->Ledger()->size;
  }

  // Runs SQL on the database file behind Custodian's back, as an attacker with the file would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "r/custodian.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_close(db);
  }

  Status VerifyStatus() {
    Result<VerifyReport> report = repo_->Verify({});
    return report.status();
  }

  TestEnv env_;
  TempDir dir_;
  Options options_;
  std::unique_ptr<Repository> repo_;
  uint64_t size_ = 0;
};

TEST_F(IntegrityTest, UntouchedRepositoryVerifies) {
  Result<VerifyReport> report = repo_->Verify({});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, size_);
  EXPECT_EQ(report->nodes, 2 * size_ - std::popcount(size_));
  EXPECT_EQ(report->checkpoints, 2u);
  EXPECT_TRUE(report->projections_checked);
  EXPECT_EQ(report->root, repo_->Ledger()->root);
  // A second checkpoint of an unchanged ledger is the same checkpoint.
  EXPECT_EQ(repo_->Checkpoint()->id, repo_->Checkpoints()->back().id);
}

TEST_F(IntegrityTest, EditedEntryIsNamed) {
  Tamper("UPDATE ledger_entries SET entry = replace(entry, 'victim', 'witness') WHERE seq = " +
         std::to_string(size_ - 43));
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry " + std::to_string(size_ - 43) + " was altered"),
            std::string::npos)
      << s.message();
}

TEST_F(IntegrityTest, OneFlippedByteIsDetected) {
  Tamper(
      "UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), '\"by\":\"admin\"', "
      "'\"by\":\"admiN\"') AS BLOB) WHERE seq = 5");
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 5 was altered"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, DeletedEntryIsNamed) {
  Tamper("DELETE FROM ledger_entries WHERE seq = 17");
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 17 is missing"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, SwappedEntriesAreNamed) {
  Tamper(
      "UPDATE ledger_entries SET seq = -1 WHERE seq = 30;"
      "UPDATE ledger_entries SET seq = 30 WHERE seq = 31;"
      "UPDATE ledger_entries SET seq = 31 WHERE seq = -1;");
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 30 is entry 31"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, InsertedEntryIsDetected) {
  // Shift the last entries up by one and insert a forged one with a plausible body.
  Tamper(
      "UPDATE ledger_entries SET seq = seq + 1000 WHERE seq >= 20;"
      "UPDATE ledger_entries SET seq = seq - 999 WHERE seq >= 1000;"
      "INSERT INTO ledger_entries (seq, entry) SELECT 20, entry FROM ledger_entries WHERE seq = "
      "21;");
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 21 is entry 20"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, TruncatedLedgerIsCaughtByItsCheckpoint) {
  Tamper("DELETE FROM ledger_entries WHERE seq = " + std::to_string(size_ - 1));
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("removed from its end"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, RewrittenTreeIsCaughtBySignedCheckpoint) {
  // The attacker edits entry 3 and recomputes its leaf and every node above it: only the
  // signed checkpoint can tell.
  std::string entry;
  ASSERT_TRUE(repo_
                  ->Log(3, 1,
                        [&](uint64_t, const ledger::Hash&, const Json& e) {
                          Json forged = e;
                          forged["by"] = "someone else";
                          entry = CanonicalJson(forged);
                          return true;
                        })
                  .ok());
  // Recompute the whole tree in memory and overwrite every node.
  std::vector<std::string> entries;
  ASSERT_TRUE(repo_
                  ->Log(0, size_,
                        [&](uint64_t seq, const ledger::Hash&, const Json& e) {
                          entries.push_back(seq == 3 ? entry : CanonicalJson(e));
                          return true;
                        })
                  .ok());
  std::string sql = "BEGIN; DELETE FROM ledger_nodes;";
  ledger::TreeBuilder tree;
  for (const std::string& e : entries) {
    tree.Append(ledger::LeafHash(e), [&](int level, uint64_t index, const ledger::Hash& h) {
      sql += "INSERT INTO ledger_nodes VALUES (" +
             std::to_string((uint64_t{static_cast<uint64_t>(level)} << 57) | index) + ", x'" +
             crypto::HexEncode(h) + "');";
    });
  }
  std::string hex = crypto::HexEncode(entry);
  sql += "UPDATE ledger_entries SET entry = x'" + hex + "' WHERE seq = 3; COMMIT;";
  Tamper(sql);
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("do not hash to the root their checkpoint signed"), std::string::npos)
      << s.message();
}

TEST_F(IntegrityTest, EditedProjectionIsDetectedAndRebuildRepairsIt) {
  Tamper("UPDATE records SET type = 'public_execution' WHERE kind = 'act'");
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("projection"), std::string::npos);
  // Verify did not repair anything by itself ...
  EXPECT_EQ(repo_->Count({.type = "public_execution"}).value(), 10);
  // ... rebuild does, after which everything verifies again.
  ASSERT_TRUE(repo_->Rebuild().ok());
  EXPECT_TRUE(repo_->Verify({}).ok());
}

TEST_F(IntegrityTest, ForgedCheckpointAndSwappedKeyAreDetected) {
  Tamper("UPDATE checkpoints SET note = replace(note, '\n" + std::to_string(size_) + "\n', '\n" +
         std::to_string(size_ - 1) + "\n')");
  Status forged = VerifyStatus();
  EXPECT_EQ(forged.code(), StatusCode::kDataLoss) << forged.ToString();

  TempDir other;
  ASSERT_TRUE(Repository::Init(other / "o", options_, TestInit()).ok());
  std::string published_key = repo_->VerifierKey().value();
  // Someone replaces the key file: the ledger's first entry still names the old key.
  std::filesystem::copy_file(other / "o/ledger.key", dir_ / "r/ledger.key",
                             std::filesystem::copy_options::overwrite_existing);
  Tamper("DELETE FROM checkpoints");
  Status swapped = VerifyStatus();
  EXPECT_EQ(swapped.code(), StatusCode::kDataLoss) << swapped.ToString();
  // The key published before the swap no longer verifies new checkpoints either.
  ASSERT_TRUE(repo_->Checkpoint().ok());
  VerifyOptions with_published{.trusted_key = published_key};
  EXPECT_EQ(repo_->Verify(with_published).status().code(), StatusCode::kDataLoss);
}

TEST_F(IntegrityTest, ACopyOfTheDatabaseVerifiesAgainstThePublishedKey) {
  std::string published = repo_->VerifierKey().value();
  ASSERT_TRUE(repo_->Add({{"kind", "person"}, {"names", {"새 사람"}}}).ok());
  repo_.reset();
  std::filesystem::remove(dir_ / "r/ledger.key");
  auto copy = OpenAs(dir_ / "r", options_);
  ASSERT_TRUE(copy.ok());
  // Without the key file the trusted key must come from outside.
  EXPECT_EQ((*copy)->Verify({}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*copy)->VerifierKey().value(), published);  // from the ledger's first entry
  Result<VerifyReport> report = (*copy)->Verify({.trusted_key = published});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->uncovered, 1u);  // the person added after the last checkpoint
  // A key for another log is a mistake, not evidence of tampering.
  crypto::SigningKey other = crypto::SigningKey::Generate(env_);
  std::string foreign = ledger::NoteVerifier::For("custodian/other", other.public_key()).ToString();
  EXPECT_EQ((*copy)->Verify({.trusted_key = foreign}).status().code(),
            StatusCode::kInvalidArgument);
  // Signing needs the key file; proving and bundling what is already signed does not.
  EXPECT_EQ((*copy)->Checkpoint().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*copy)->ProveInclusion(3, std::nullopt).ok());
}

TEST_F(IntegrityTest, CutTailWithoutCheckpointIsNamed) {
  ASSERT_TRUE(repo_->Add({{"kind", "person"}, {"names", {"마지막"}}}).ok());
  Tamper("DELETE FROM ledger_entries WHERE seq = " + std::to_string(size_));
  Status s = VerifyStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("removed from its end"), std::string::npos) << s.message();
}

TEST_F(IntegrityTest, ProofsVerifyIndependently) {
  ledger::NoteVerifier key = ledger::NoteVerifier::Parse(repo_->VerifierKey().value()).value();
  std::vector<CheckpointInfo> checkpoints = repo_->Checkpoints().value();
  ASSERT_EQ(checkpoints.size(), 2u);
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, size_ / 2, size_ - 1}) {
    Result<ledger::InclusionProofDoc> proof = repo_->ProveInclusion(seq, std::nullopt);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    // Through JSON, as a third party receives it.
    Result<ledger::InclusionProofDoc> received =
        ledger::InclusionProofFromJson(ledger::ToJson(*proof));
    ASSERT_TRUE(received.ok());
    EXPECT_TRUE(ledger::VerifyInclusionDoc(*received, key).ok()) << seq;
    received->entry[received->entry.size() / 2] ^= 1;
    EXPECT_EQ(ledger::VerifyInclusionDoc(*received, key).code(), StatusCode::kDataLoss);
  }
  EXPECT_EQ(repo_->ProveInclusion(size_ - 1, checkpoints[0].id).status().code(),
            StatusCode::kFailedPrecondition);  // not yet in the older checkpoint
  Result<ledger::ConsistencyProofDoc> consistency =
      repo_->ProveConsistency(checkpoints[0].id, checkpoints[1].id);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(ledger::VerifyConsistencyDoc(*consistency, key).ok());
  ledger::ConsistencyProofDoc swapped{consistency->new_checkpoint, consistency->old_checkpoint,
                                      consistency->path};
  EXPECT_FALSE(ledger::VerifyConsistencyDoc(swapped, key).ok());
  // A checkpoint signed by another key is not the log's.
  crypto::SigningKey stranger = crypto::SigningKey::Generate(env_);
  ledger::NoteVerifier wrong = ledger::NoteVerifier::For(key.name, stranger.public_key());
  EXPECT_EQ(ledger::VerifyConsistencyDoc(*consistency, wrong).code(), StatusCode::kDataLoss);
}

TEST_F(IntegrityTest, BundleVerifiesAndTamperedBundleDoesNot) {
  std::ostringstream out;
  ASSERT_TRUE(repo_->ExportBundle(out).ok());
  ledger::NoteVerifier key = ledger::NoteVerifier::Parse(repo_->VerifierKey().value()).value();
  {
    std::istringstream in(out.str());
    Result<ledger::BundleReport> report = ledger::VerifyBundle(in, key);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->entries, size_);
    EXPECT_EQ(report->checkpoints, 2u);
    EXPECT_EQ(report->root, repo_->Ledger()->root);
  }
  // Change one entry inside the bundle.
  std::string text = out.str();
  std::vector<std::string> lines;
  for (std::string line; std::getline(*std::make_unique<std::istringstream>(text), line);) break;
  std::istringstream split(text);
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  Json entry_line = Json::parse(lines[10]);
  std::string entry = crypto::Base64Decode(entry_line["entry"].get<std::string>()).value();
  entry.replace(entry.find("admin"), 5, "ADMIN");
  entry_line["entry"] = crypto::Base64Encode(entry);
  lines[10] = entry_line.dump();
  std::string tampered;
  for (const std::string& l : lines) tampered += l + "\n";
  std::istringstream in(tampered);
  Result<ledger::BundleReport> report = ledger::VerifyBundle(in, key);
  EXPECT_EQ(report.status().code(), StatusCode::kDataLoss);
  // Drop an entry line.
  std::string dropped;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i != 12) dropped += lines[i] + "\n";
  }
  std::istringstream in2(dropped);
  EXPECT_EQ(ledger::VerifyBundle(in2, key).status().code(), StatusCode::kDataLoss);
}

TEST_F(IntegrityTest, WitnessCosignaturesAreKeptAndShown) {
  crypto::SigningKey witness_key = crypto::SigningKey::Generate(env_);
  ledger::NoteVerifier witness =
      ledger::NoteVerifier::For("ngo.example/witness", witness_key.public_key());
  ASSERT_TRUE(repo_->AddWitness(witness.ToString()).ok());
  EXPECT_EQ(repo_->AddWitness(repo_->VerifierKey().value()).code(), StatusCode::kInvalidArgument);
  CheckpointInfo newest = repo_->Checkpoints()->back();
  ledger::SignedNote note = ledger::SignedNote::Parse(newest.note).value();
  // A signature by an unknown party is not imported.
  crypto::SigningKey stranger_key = crypto::SigningKey::Generate(env_);
  ledger::SignedNote by_stranger = note;
  by_stranger.signatures.push_back(ledger::SignNote(note.body, "stranger", stranger_key));
  EXPECT_EQ(repo_->ImportCosignatures(by_stranger.ToString()).status().code(),
            StatusCode::kNotFound);
  // A forged signature claiming to be the witness is rejected.
  ledger::SignedNote forged = note;
  forged.signatures.push_back(ledger::SignNote(note.body, "ngo.example/witness", stranger_key));
  forged.signatures.back().key_id = witness.key_id;
  EXPECT_EQ(repo_->ImportCosignatures(forged.ToString()).status().code(), StatusCode::kDataLoss);
  note.signatures.push_back(ledger::SignNote(note.body, "ngo.example/witness", witness_key));
  Result<int> added = repo_->ImportCosignatures(note.ToString());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  std::vector<WitnessInfo> witnesses = repo_->Witnesses().value();
  ASSERT_EQ(witnesses.size(), 1u);
  EXPECT_EQ(witnesses[0].sizes, std::vector<uint64_t>{newest.size});
  EXPECT_TRUE(repo_->Verify({}).ok());  // cosignatures do not disturb the log's own
}

}  // namespace
}  // namespace custodian::repo
