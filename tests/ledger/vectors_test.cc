// The public RFC 6962 proof vectors (transparency-dev/merkle testdata) and the signed-note
// vector from ../shared/data: every happy path verifies and every wantErr case is rejected.
// Missing vector files fail the test: a verifier that was not checked is not a verifier.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/canonical_json.h"
#include "ledger/ledger.h"

namespace custodian::ledger {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path SharedData() {
  const char* dir = std::getenv("CUSTODIAN_SHARED_DATA");
  return dir ? fs::path(dir) : fs::path(CUSTODIAN_SOURCE_DIR) / ".." / "shared" / "data";
}

Json Load(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  // Not ParseJson: the vectors hold 2^64 - 1 as a number, which I-JSON rightly refuses but
  // the leaf index fields must still be read to be rejected by the verifier.
  return Json::parse(s.str());
}

// A base64 field that must decode to a 32-byte hash; anything else is a rejected input.
std::optional<Hash> DecodeHash(const Json& field) {
  if (!field.is_string()) return std::nullopt;
  Result<std::string> bytes = crypto::Base64Decode(field.get<std::string>());
  if (!bytes.ok() || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::optional<std::vector<Hash>> DecodeProof(const Json& field) {
  std::vector<Hash> out;
  if (field.is_null()) return out;
  if (!field.is_array()) return std::nullopt;
  for (const Json& h : field) {
    std::optional<Hash> hash = DecodeHash(h);
    if (!hash) return std::nullopt;
    out.push_back(*hash);
  }
  return out;
}

std::vector<fs::path> VectorFiles(const std::string& kind) {
  fs::path dir = SharedData() / "merkle-vectors" / kind;
  EXPECT_TRUE(fs::is_directory(dir)) << dir << " is missing: the proof vectors must be present";
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(MerkleVectorsTest, Inclusion) {
  int accepted = 0, rejected = 0;
  for (const fs::path& file : VectorFiles("inclusion")) {
    Json v = Load(file);
    std::optional<Hash> root = DecodeHash(v["root"]);
    std::optional<Hash> leaf = DecodeHash(v["leafHash"]);
    std::optional<std::vector<Hash>> proof = DecodeProof(v["proof"]);
    bool ok = root && leaf && proof && v["leafIdx"].is_number_unsigned() &&
              v["treeSize"].is_number_unsigned() &&
              VerifyInclusion(v["leafIdx"], v["treeSize"], *leaf, *proof, *root).ok();
    EXPECT_EQ(ok, !v["wantErr"].get<bool>()) << file << ": " << v["desc"];
    (ok ? accepted : rejected)++;
  }
  EXPECT_GT(accepted, 5);
  EXPECT_GT(rejected, 50);
}

TEST(MerkleVectorsTest, Consistency) {
  int accepted = 0, rejected = 0;
  for (const fs::path& file : VectorFiles("consistency")) {
    Json v = Load(file);
    std::optional<Hash> root1 = DecodeHash(v["root1"]);
    std::optional<Hash> root2 = DecodeHash(v["root2"]);
    std::optional<std::vector<Hash>> proof = DecodeProof(v["proof"]);
    bool ok = root1 && root2 && proof && v["size1"].is_number_unsigned() &&
              v["size2"].is_number_unsigned() &&
              VerifyConsistency(v["size1"], v["size2"], *root1, *root2, *proof).ok();
    EXPECT_EQ(ok, !v["wantErr"].get<bool>()) << file << ": " << v["desc"];
    (ok ? accepted : rejected)++;
  }
  EXPECT_GT(accepted, 3);
  EXPECT_GT(rejected, 50);
}

TEST(SignedNoteTest, SharedVectorVerifies) {
  fs::path path = SharedData() / "signed-note-vectors.json";
  ASSERT_TRUE(fs::exists(path)) << path << " is missing";
  Json vectors = Load(path);
  ASSERT_FALSE(vectors["vectors"].empty());
  for (const Json& v : vectors["vectors"]) {
    Result<NoteVerifier> verifier = NoteVerifier::Parse(v["verifier_key"].get<std::string>());
    ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
    std::string text =
        v["text"].get<std::string>() + "\n" + v["signature_line"].get<std::string>() + "\n";
    Result<SignedNote> note = SignedNote::Parse(text);
    ASSERT_TRUE(note.ok()) << note.status().ToString();
    EXPECT_EQ(note->ToString(), text);  // parsing and printing round-trip
    EXPECT_EQ(VerifyNote(*note, *verifier).ok(), v["expect"] == "valid");
    // Any change to the text breaks it.
    SignedNote altered = *note;
    altered.body[3] ^= 1;
    EXPECT_EQ(VerifyNote(altered, *verifier).code(), StatusCode::kDataLoss);
  }
}

TEST(SignedNoteTest, CheckpointsSignParseAndIgnoreUnknownKeys) {
  crypto::SigningKey log_key = crypto::SigningKey::Generate(Env::Default());
  crypto::SigningKey witness_key = crypto::SigningKey::Generate(Env::Default());
  Checkpoint cp{.origin = "custodian/test", .size = 12345, .root = crypto::Sha256("x")};
  std::string body = cp.Body();
  SignedNote note{.body = body};
  note.signatures.push_back(SignNote(body, "custodian/test", log_key));
  note.signatures.push_back(SignNote(body, "witness.example", witness_key));
  Result<SignedNote> parsed = SignedNote::Parse(note.ToString());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->signatures.size(), 2u);
  NoteVerifier log = NoteVerifier::For("custodian/test", log_key.public_key());
  NoteVerifier witness = NoteVerifier::For("witness.example", witness_key.public_key());
  EXPECT_TRUE(VerifyNote(*parsed, log).ok());
  EXPECT_TRUE(VerifyNote(*parsed, witness).ok());
  // Verifier keys round-trip, including base64 keys that contain '+'.
  for (int i = 0; i < 64; ++i) {
    crypto::SigningKey k = crypto::SigningKey::Generate(Env::Default());
    NoteVerifier v = NoteVerifier::For("custodian/test", k.public_key());
    Result<NoteVerifier> round = NoteVerifier::Parse(v.ToString());
    ASSERT_TRUE(round.ok()) << v.ToString();
    EXPECT_EQ(round->ToString(), v.ToString());
  }
  Result<Checkpoint> back = ParseCheckpoint(parsed->body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size, 12345u);
  EXPECT_EQ(back->root, cp.root);
  // On a command line a key may be its text or a file holding it (with a trailing newline).
  std::string path = (fs::temp_directory_path() / "custodian-vkey-test.txt").string();
  std::ofstream(path) << log.ToString() << "\n";
  Result<NoteVerifier> from_file = NoteVerifier::FromTextOrFile(Env::Default(), path);
  fs::remove(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->ToString(), log.ToString());
  EXPECT_EQ(NoteVerifier::FromTextOrFile(Env::Default(), log.ToString())->ToString(),
            log.ToString());
  EXPECT_FALSE(NoteVerifier::FromTextOrFile(Env::Default(), "/no/such/key").ok());
  // A note without the log's signature does not verify, whatever else it carries.
  SignedNote only_witness{.body = body, .signatures = {note.signatures[1]}};
  EXPECT_EQ(VerifyNote(only_witness, log).code(), StatusCode::kDataLoss);
}

TEST(SignedNoteTest, RejectsMalformedNotesAndCheckpoints) {
  for (const char* bad :
       {"", "no blank line\n", "body\n\nnot a signature\n", "body\n\n\xE2\x80\x94 name\n",
        "body\n\n\xE2\x80\x94 name !!!!\n", "body\n\n\xE2\x80\x94 name AAAA\n", "body\r\n\r\n"}) {
    EXPECT_FALSE(SignedNote::Parse(bad).ok()) << bad;
  }
  for (const char* bad :
       {"", "origin\n", "origin\n12\n", "origin\n-1\nAAAA\n",
        "origin\n012\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n", "origin\n12\nshort=\n",
        "\n12\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",
        "origin\n12\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0="}) {
    EXPECT_FALSE(ParseCheckpoint(bad).ok()) << bad;
  }
  EXPECT_FALSE(
      NoteVerifier::Parse("name+00000000+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(NoteVerifier::Parse("garbage").ok());
}

}  // namespace
}  // namespace custodian::ledger
