// ledger: the append-only, tamper-evident log that is Custodian's source of truth.
//
// Each entry is an opaque byte string (canonical JSON, see docs/formats/ledger.md). Entries are
// leaves of a Merkle tree hashed as in RFC 6962 §2.1 (RFC 9162 §2.1.1):
//   leaf hash  = SHA-256(0x00 || entry)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
// The hash of every complete subtree, "node (level, index)" covering leaves
// [index * 2^level, (index + 1) * 2^level), is stored when it completes, so any root,
// inclusion proof or consistency proof for any past tree size needs O(log n) node reads and
// no recomputation.
//
// Storage is behind LogStore so that the same code runs on SQLite and PostgreSQL, inside the
// caller's transaction: an entry and its projection commit or roll back together. After a
// rollback the caller must Open() the log again (the in-memory right edge is stale).
//
// Thread-safety: a Log is used by one thread at a time (its store's transaction owner).
#ifndef CUSTODIAN_LEDGER_LEDGER_H_
#define CUSTODIAN_LEDGER_LEDGER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "crypto/crypto.h"

namespace custodian::ledger {

using Hash = crypto::Sha256Digest;

Hash LeafHash(std::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyTreeHash();

// The right edge of a Merkle tree being built leaf by leaf: the hashes of the complete subtrees
// whose sizes are the set bits of size() (a "compact range" starting at 0). Enough to append
// and to compute the root, in O(log n) memory; verifiers stream a whole ledger through one.
class TreeBuilder {
 public:
  TreeBuilder() = default;
  uint64_t size() const { return size_; }
  // Adds a leaf and calls completed(level, index, hash) for it (level 0) and for every inner
  // node it completes, bottom up.
  template <typename OnNode>
  void Append(const Hash& leaf_hash, OnNode&& completed);
  Hash Root() const;  // RFC 6962 MTH of the leaves so far

 private:
  friend class Log;
  uint64_t size_ = 0;
  std::array<Hash, 64> edge_{};  // edge_[level] is valid when bit `level` of size_ is set
};

// Where a log keeps its entries and node hashes. Sequence numbers are 0-based leaf indexes.
class LogStore {
 public:
  virtual ~LogStore() = default;
  virtual Result<uint64_t> EntryCount() = 0;
  virtual Status WriteEntry(uint64_t seq, std::string_view entry) = 0;
  virtual Result<std::string> ReadEntry(uint64_t seq) = 0;
  virtual Status WriteNode(int level, uint64_t index, const Hash& hash) = 0;
  virtual Result<Hash> ReadNode(int level, uint64_t index) = 0;
};

class Log {
 public:
  // Opens the log kept in `store`, reading the O(log n) hashes on its right edge.
  static Result<Log> Open(LogStore& store);

  uint64_t size() const { return tree_.size(); }

  // Appends `entry` as leaf number size() and returns that sequence number.
  Result<uint64_t> Append(std::string_view entry);

  Hash RootHash() const;                              // of the current tree
  Result<Hash> RootHashAt(uint64_t tree_size) const;  // of any earlier tree

  // RFC 6962 §2.1.1 audit path for leaf `index` in the tree of `tree_size` leaves.
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t tree_size) const;
  // RFC 6962 §2.1.2 proof that the tree of `old_size` is a prefix of the tree of `new_size`.
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size) const;

 private:
  explicit Log(LogStore& store) : store_(&store) {}
  Result<Hash> SubtreeHash(uint64_t begin, uint64_t end) const;
  Status AppendPath(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out) const;
  Status AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                        std::vector<Hash>& out) const;

  LogStore* store_;
  TreeBuilder tree_;
};

template <typename OnNode>
void TreeBuilder::Append(const Hash& leaf_hash, OnNode&& completed) {
  Hash hash = leaf_hash;
  int level = 0;
  uint64_t index = size_;
  completed(0, index, hash);
  // Each trailing 1 bit of the old size is a left sibling that the new leaf now completes.
  while (index & 1) {
    hash = NodeHash(edge_[level], hash);
    ++level;
    index >>= 1;
    completed(level, index, hash);
  }
  edge_[level] = hash;
  ++size_;
}

// RFC 9162 §2.1.3.2: checks that `leaf_hash` is leaf `index` of the tree with `root`.
Status VerifyInclusion(uint64_t index, uint64_t tree_size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);
// RFC 9162 §2.1.4.2: checks that the tree (`old_size`, `old_root`) is a prefix of
// (`new_size`, `new_root`).
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof);

// ---- Checkpoints (C2SP tlog-checkpoint) in signed notes (C2SP signed-note) ----------------
//
// A checkpoint commits to a tree: "<origin>\n<size>\n<base64 root>\n" plus optional extension
// lines. A signed note is that body, an empty line, and one line per signature:
// "\u2014 <key name> <base64(key id || Ed25519 signature)>\n", where the key id is the first
// four bytes of SHA-256(name || 0x0A || 0x01 || public key). Verifiers ignore signatures by
// keys they do not know, so witnesses can add theirs to the same note.

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // further lines, without their newlines
  std::string Body() const;
};
Result<Checkpoint> ParseCheckpoint(std::string_view body);

using NoteKeyId = std::array<uint8_t, 4>;
NoteKeyId ComputeNoteKeyId(std::string_view name, const crypto::Ed25519PublicKey& key);

// A verifier key in the note ecosystem's text form: "<name>+<hex key id>+<base64(0x01||key)>".
struct NoteVerifier {
  std::string name;
  NoteKeyId key_id{};
  crypto::Ed25519PublicKey key{};
  static Result<NoteVerifier> Parse(std::string_view text);
  static NoteVerifier For(std::string_view name, const crypto::Ed25519PublicKey& key);
  // A key given on a command line: its text, or the name of a file holding it.
  static Result<NoteVerifier> FromTextOrFile(Env& env, const std::string& text_or_path);
  std::string ToString() const;
};

struct NoteSignature {
  std::string name;
  NoteKeyId key_id{};
  std::string signature;  // 64 bytes for Ed25519
};

struct SignedNote {
  std::string body;  // ends with "\n"
  std::vector<NoteSignature> signatures;
  static Result<SignedNote> Parse(std::string_view text);
  std::string ToString() const;
};

// A signature line's worth of signature over `body` by `key` under `name`.
NoteSignature SignNote(std::string_view body, std::string_view name, const crypto::SigningKey& key);

// OK if `note` carries a valid signature by `verifier`. Signatures by other keys are ignored;
// a signature that claims to be by `verifier` (same name and key id) but does not verify is
// DataLoss, as is the absence of any signature by it.
Status VerifyNote(const SignedNote& note, const NoteVerifier& verifier);

// ---- Portable proofs and bundles (docs/formats/proofs.md) ---------------------------------
//
// What a third party receives: self-contained JSON documents that a verifier checks with
// nothing but the log's public verifier key. Entries travel as base64 of their exact bytes.

struct InclusionProofDoc {
  std::string entry;  // the entry's bytes
  uint64_t index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash> path;
  std::string checkpoint;  // signed note for a tree of tree_size leaves
};
nlohmann::json ToJson(const InclusionProofDoc& doc);
Result<InclusionProofDoc> InclusionProofFromJson(const nlohmann::json& json);
// Checks the checkpoint's signature by `log`, that it is for tree_size, and the audit path.
Status VerifyInclusionDoc(const InclusionProofDoc& doc, const NoteVerifier& log);

struct ConsistencyProofDoc {
  std::string old_checkpoint, new_checkpoint;  // signed notes
  std::vector<Hash> path;
};
nlohmann::json ToJson(const ConsistencyProofDoc& doc);
Result<ConsistencyProofDoc> ConsistencyProofFromJson(const nlohmann::json& json);
Status VerifyConsistencyDoc(const ConsistencyProofDoc& doc, const NoteVerifier& log);

// A bundle is JSON Lines: a header {"format":"custodian-ledger-bundle/1","origin",
// "verifier_key","tree_size","checkpoint_sizes"}, then {"seq","entry"} for every entry in order,
// then
// {"checkpoint": note} for each checkpoint, then {"witness": verifier key} lines.
inline constexpr std::string_view kBundleFormat = "custodian-ledger-bundle/1";

struct BundleReport {
  uint64_t entries = 0;
  Hash root{};
  size_t checkpoints = 0;
  std::string verifier_key;  // the key the checkpoints were checked against
  // For each witness key in the bundle: the tree sizes whose checkpoints it signed.
  std::vector<std::pair<std::string, std::vector<uint64_t>>> witnesses;
};

// Recomputes the tree from every entry, checks each checkpoint's signature (by `trusted` if
// given, else by the key the bundle names, which the report says) and that its root matches
// the entries, and that the last checkpoint covers the whole bundle. DataLoss names the first
// entry or checkpoint that does not hold.
Result<BundleReport> VerifyBundle(std::istream& in, const std::optional<NoteVerifier>& trusted);

}  // namespace custodian::ledger

#endif  // CUSTODIAN_LEDGER_LEDGER_H_
