// Checkpoints, proofs, full verification, bundles and witnesses: how a repository proves to a
// court or a partner that its record was never altered (docs/formats/proofs.md).
#include <algorithm>
#include <future>

#include "base/canonical_json.h"
#include "repo/internal.h"

namespace custodian::repo {
namespace {

constexpr std::string_view kKeyHeader = "custodian-ledger-key-v1\n";

}  // namespace

std::string KeyFileText(const crypto::SigningKey& key) {
  std::string seed(reinterpret_cast<const char*>(key.seed().data()), key.seed().size());
  std::string text = std::string(kKeyHeader) + crypto::Base64Encode(seed) + "\n";
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(seed.data()), seed.size()});
  return text;
}

Result<crypto::SigningKey> ReadKeyFile(Env& env, const std::string& path) {
  Result<std::string> text = env.ReadFile(path);
  if (!text.ok()) {
    return FailedPreconditionError("the ledger signing key " + path +
                                   " cannot be read; checkpoints need it");
  }
  auto wipe = [&] { crypto::SecureWipe({reinterpret_cast<uint8_t*>(text->data()), text->size()}); };
  std::string_view view = *text;
  if (!view.starts_with(kKeyHeader) || !view.ends_with("\n")) {
    wipe();
    return DataLossError(path + " is not a custodian ledger key file");
  }
  view.remove_prefix(kKeyHeader.size());
  view.remove_suffix(1);
  Result<std::string> seed = crypto::Base64Decode(view);
  wipe();
  if (!seed.ok() || seed->size() != crypto::kEd25519SeedSize) {
    return DataLossError(path + " is damaged (the key is not 32 bytes of base64)");
  }
  Result<crypto::SigningKey> key =
      crypto::SigningKey::FromSeed({reinterpret_cast<const uint8_t*>(seed->data()), seed->size()});
  crypto::SecureWipe({reinterpret_cast<uint8_t*>(seed->data()), seed->size()});
  return key;
}

Result<std::string> Repository::Origin() {
  ASSIGN_OR_RETURN(std::optional<std::string> id, store_->GetMeta("repository_id"));
  if (!id) return DataLossError("the repository has no id in its metadata");
  return "custodian/" + *id;
}

Result<std::string> Repository::VerifierKey() {
  ASSIGN_OR_RETURN(std::string origin, Origin());
  if (options_.env->FileExists(dir_ + "/" + kKeyFile)) {
    ASSIGN_OR_RETURN(crypto::SigningKey key, ReadKeyFile(*options_.env, dir_ + "/" + kKeyFile));
    return ledger::NoteVerifier::For(origin, key.public_key()).ToString();
  }
  // A copy of the database without its key file still knows its public key: the ledger's
  // first entry recorded it.
  ASSIGN_OR_RETURN(Json init, ReadEntryJson(*store_, 0));
  Result<std::string> key = crypto::Base64Decode(init.value("public_key", ""));
  crypto::Ed25519PublicKey public_key;
  if (!key.ok() || key->size() != public_key.size()) {
    return DataLossError("the ledger's first entry does not hold a public key");
  }
  std::copy(key->begin(), key->end(), public_key.begin());
  return ledger::NoteVerifier::For(origin, public_key).ToString();
}

Result<CheckpointInfo> Repository::Checkpoint() {
  // Reading the checkpoint that already covers the ledger is reading; signing a new one is not.
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  ASSIGN_OR_RETURN(std::string origin, Origin());
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(auto stored, store_->ListCheckpoints());
  if (!stored.empty() && stored.back().size == txn.log().size()) {
    const auto& last = stored.back();
    return CheckpointInfo{last.id, last.size, last.note, last.at};
  }
  RETURN_IF_ERROR(Authorize(protect::Action::kCheckpoint));
  ASSIGN_OR_RETURN(crypto::SigningKey key, ReadKeyFile(*options_.env, dir_ + "/" + kKeyFile));
  ledger::Checkpoint cp{.origin = origin, .size = txn.log().size(), .root = txn.log().RootHash()};
  ledger::SignedNote note{.body = cp.Body()};
  note.signatures.push_back(ledger::SignNote(note.body, origin, key));
  CheckpointInfo info{
      .size = cp.size, .note = note.ToString(), .at = FormatTimestamp(options_.env->NowMicros())};
  ASSIGN_OR_RETURN(info.id, store_->AddCheckpoint(info.size, info.note, info.at));
  RETURN_IF_ERROR(txn.Commit());
  return info;
}

Result<std::vector<CheckpointInfo>> Repository::Checkpoints() {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  return StoredCheckpoints();
}

Result<std::vector<CheckpointInfo>> Repository::StoredCheckpoints() {
  ASSIGN_OR_RETURN(auto stored, store_->ListCheckpoints());
  std::vector<CheckpointInfo> out;
  for (auto& s : stored) out.push_back({s.id, s.size, std::move(s.note), std::move(s.at)});
  return out;
}

namespace {

Result<CheckpointInfo> FindCheckpoint(const std::vector<CheckpointInfo>& all,
                                      std::optional<int64_t> id) {
  if (all.empty()) {
    return FailedPreconditionError(
        "the repository has no checkpoint yet; make one with "
        "custodian checkpoint");
  }
  if (!id) return all.back();
  for (const CheckpointInfo& c : all) {
    if (c.id == *id) return c;
  }
  return NotFoundError("no checkpoint #" + std::to_string(*id) +
                       " (custodian checkpoint --list shows them)");
}

}  // namespace

Result<ledger::InclusionProofDoc> Repository::ProveInclusion(uint64_t seq,
                                                             std::optional<int64_t> id) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  ASSIGN_OR_RETURN(std::vector<CheckpointInfo> all, Checkpoints());
  ASSIGN_OR_RETURN(CheckpointInfo cp, FindCheckpoint(all, id));
  if (seq >= cp.size) {
    return FailedPreconditionError("entry " + std::to_string(seq) + " is not in checkpoint #" +
                                   std::to_string(cp.id) + " (" + std::to_string(cp.size) +
                                   " entries); make a newer one with custodian checkpoint");
  }
  ASSIGN_OR_RETURN(ledger::Log log, ledger::Log::Open(*store_));
  ledger::InclusionProofDoc doc{.index = seq, .tree_size = cp.size, .checkpoint = cp.note};
  ASSIGN_OR_RETURN(doc.entry, store_->ReadEntry(seq));
  ASSIGN_OR_RETURN(doc.path, log.InclusionProof(seq, cp.size));
  return doc;
}

Result<ledger::ConsistencyProofDoc> Repository::ProveConsistency(int64_t old_id, int64_t new_id) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  ASSIGN_OR_RETURN(std::vector<CheckpointInfo> all, Checkpoints());
  ASSIGN_OR_RETURN(CheckpointInfo older, FindCheckpoint(all, old_id));
  ASSIGN_OR_RETURN(CheckpointInfo newer, FindCheckpoint(all, new_id));
  if (older.size > newer.size) {
    return InvalidArgumentError("checkpoint #" + std::to_string(old_id) + " is larger than #" +
                                std::to_string(new_id) + "; give the older one first");
  }
  ASSIGN_OR_RETURN(ledger::Log log, ledger::Log::Open(*store_));
  ledger::ConsistencyProofDoc doc{.old_checkpoint = older.note, .new_checkpoint = newer.note};
  ASSIGN_OR_RETURN(doc.path, log.ConsistencyProof(older.size, newer.size));
  return doc;
}

Result<VerifyReport> Repository::Verify(const VerifyOptions& options) {
  RETURN_IF_ERROR(Authorize(protect::Action::kVerify));
  VerifyReport report;
  ASSIGN_OR_RETURN(std::string origin, Origin());

  // Which key to trust: the published one if given, else the key file's. Either way it must
  // be the key the ledger's first entry recorded, or someone swapped keys.
  std::string trusted_text = options.trusted_key;
  if (trusted_text.empty()) {
    if (!options_.env->FileExists(dir_ + "/" + kKeyFile)) {
      return FailedPreconditionError("there is no " + std::string(kKeyFile) +
                                     " beside this database; give the log's published key "
                                     "with --key");
    }
    ASSIGN_OR_RETURN(trusted_text, VerifierKey());
  }
  ASSIGN_OR_RETURN(ledger::NoteVerifier trusted, ledger::NoteVerifier::Parse(trusted_text));
  if (trusted.name != origin) {
    return InvalidArgumentError("that key is for the log '" + trusted.name + "'; this one is '" +
                                origin + "'");
  }
  report.verifier_key = trusted.ToString();

  ASSIGN_OR_RETURN(std::vector<CheckpointInfo> checkpoints, StoredCheckpoints());
  std::sort(checkpoints.begin(), checkpoints.end(),
            [](const auto& a, const auto& b) { return a.size < b.size; });
  std::vector<ledger::Checkpoint> signed_trees;
  for (const CheckpointInfo& c : checkpoints) {
    Result<ledger::SignedNote> note = ledger::SignedNote::Parse(c.note);
    if (!note.ok()) return DataLossError("checkpoint #" + std::to_string(c.id) + " is damaged");
    RETURN_IF_ERROR(
        ledger::VerifyNote(*note, trusted).WithContext("checkpoint #" + std::to_string(c.id)));
    Result<ledger::Checkpoint> cp = ledger::ParseCheckpoint(note->body);
    if (!cp.ok() || cp->origin != origin || cp->size != c.size) {
      return DataLossError("checkpoint #" + std::to_string(c.id) +
                           " does not match the tree size it is filed under");
    }
    signed_trees.push_back(*cp);
  }

  ASSIGN_OR_RETURN(uint64_t size, store_->EntryCount());
  if (!signed_trees.empty() && signed_trees.back().size > size) {
    return DataLossError("checkpoint signs " + std::to_string(signed_trees.back().size) +
                         " entries but the ledger holds " + std::to_string(size) +
                         ": entries were removed from its end");
  }

  // Stream the entries in batches, recomputing leaves and every complete node and comparing
  // them with what is stored, and each signed root when its size is reached. Hashing runs on
  // a second thread while this one reads the next batch from the store, so a full verify
  // goes at close to the speed of SHA-256 itself (bench/ledger_bench). Entries are checked
  // as bytes here; the rebuild below parses each one.
  struct Batch {
    uint64_t from = 0;
    std::string bytes;         // the entries, back to back
    std::vector<size_t> ends;  // where each ends in `bytes`
    std::vector<std::vector<std::pair<uint64_t, ledger::Hash>>> computed;  // per level
    std::vector<std::pair<size_t, ledger::Hash>> roots;  // (checkpoint index, root)
  };
  ledger::TreeBuilder tree;
  size_t next_checkpoint = 0;
  auto hash_batch = [&](Batch batch) {
    batch.computed.resize(64);
    // Leaf hashes are most of the work and independent of each other: two halves at once.
    std::vector<ledger::Hash> leaves(batch.ends.size());
    auto hash_leaves = [&batch, &leaves](size_t first, size_t last) {
      for (size_t i = first; i < last; ++i) {
        size_t begin = i == 0 ? 0 : batch.ends[i - 1];
        leaves[i] =
            ledger::LeafHash(std::string_view(batch.bytes.data() + begin, batch.ends[i] - begin));
      }
    };
    const size_t half = leaves.size() / 2;
    std::future<void> other_half = std::async(std::launch::async, hash_leaves, half, leaves.size());
    hash_leaves(0, half);
    other_half.get();
    for (const ledger::Hash& leaf : leaves) {
      tree.Append(leaf, [&](int level, uint64_t index, const ledger::Hash& h) {
        batch.computed[level].emplace_back(index, h);
      });
      while (next_checkpoint < signed_trees.size() &&
             signed_trees[next_checkpoint].size == tree.size()) {
        batch.roots.emplace_back(next_checkpoint++, tree.Root());
      }
    }
    return batch;
  };

  // Names what happened to entry `seq` whose bytes no longer hash to the stored leaf.
  auto diagnose = [&](uint64_t seq) -> Status {
    Result<Json> entry = ReadEntryJson(*store_, seq);
    if (entry.ok() && entry->is_object() && entry->contains("seq") && (*entry)["seq"] != seq) {
      return DataLossError("ledger entry " + std::to_string(seq) + " is entry " +
                           (*entry)["seq"].dump() +
                           " moved from elsewhere: entries were reordered, removed or inserted");
    }
    return DataLossError("ledger entry " + std::to_string(seq) +
                         " was altered: it no longer hashes to its recorded leaf");
  };

  // The stored nodes a batch of leaves [from, to) completes, level by level, read on a second
  // connection so that this one can go on reading entries meanwhile.
  using Nodes = std::vector<std::vector<std::pair<uint64_t, ledger::Hash>>>;
  ASSIGN_OR_RETURN(
      std::unique_ptr<store::Store> node_reader,
      store::Store::OpenSqlite(dir_ + "/" + kDatabaseFile, store::Store::OpenMode::kExisting));
  auto read_nodes = [&node_reader](uint64_t from, uint64_t to) -> Result<Nodes> {
    Nodes nodes(64);
    Status status;
    for (int level = 0; level < 64 && (to >> level) > 0 && status.ok(); ++level) {
      // Node (level, j) completes with leaf (j + 1) * 2^level - 1.
      const uint64_t first = ((from + (uint64_t{1} << level)) >> level) - 1;
      const uint64_t end = to >> level;
      if (end <= first) continue;
      RETURN_IF_ERROR(
          node_reader->ScanNodes(level, first, end, [&](uint64_t index, std::string_view hash) {
            ledger::Hash h;
            if (hash.size() != h.size()) {
              status = DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                                     std::to_string(index) + ") is not a 32-byte hash");
              return false;
            }
            std::copy(hash.begin(), hash.end(), h.begin());
            nodes[level].emplace_back(index, h);
            return true;
          }));
    }
    RETURN_IF_ERROR(status);
    return nodes;
  };

  // Compares a hashed batch with the stored nodes and the signed roots.
  auto check_batch = [&](const Batch& batch, const Nodes& stored) -> Status {
    for (int level = 0; level < 64; ++level) {
      const auto& want = batch.computed[level];
      const auto& have = stored[level];
      for (size_t i = 0; i < std::max(want.size(), have.size()); ++i) {
        if (i >= have.size()) {
          return DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                               std::to_string(want[i].first) + ") is missing");
        }
        if (i >= want.size() || have[i].first != want[i].first) {
          return DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                               std::to_string(have[i].first) + ") should not exist");
        }
        if (have[i].second != want[i].second) {
          if (level == 0) return diagnose(have[i].first);
          return DataLossError("ledger node (level " + std::to_string(level) + ", index " +
                               std::to_string(have[i].first) + ") was altered");
        }
      }
      report.nodes += want.size();
    }
    for (const auto& [index, root] : batch.roots) {
      if (root != signed_trees[index].root) {
        return DataLossError("the first " + std::to_string(signed_trees[index].size) +
                             " entries do not hash to the root their checkpoint signed: an "
                             "entry among them was altered and the tree rewritten to hide it");
      }
    }
    if (options.progress) options.progress(batch.from + batch.ends.size(), size);
    return OkStatus();
  };

  // Three things overlap: this thread reads batch i + 1's entries while one task hashes
  // batch i and another reads the nodes stored for it.
  constexpr uint64_t kBatch = 8192;
  std::future<Batch> hashing;
  std::future<Result<Nodes>> reading;
  // The previous batch's results; the next batch is handed out before they are compared, so
  // that hashing never waits for the comparison.
  auto collect_previous = [&]() -> Result<std::optional<std::pair<Batch, Nodes>>> {
    if (!hashing.valid()) return std::optional<std::pair<Batch, Nodes>>();
    Batch hashed = hashing.get();
    ASSIGN_OR_RETURN(Nodes stored, reading.get());
    return std::optional<std::pair<Batch, Nodes>>(
        std::make_pair(std::move(hashed), std::move(stored)));
  };
  for (uint64_t from = 0; from < size; from += kBatch) {
    const uint64_t to = std::min(size, from + kBatch);
    Batch batch{.from = from};
    batch.ends.reserve(to - from);
    uint64_t expected = from;
    Status status;
    RETURN_IF_ERROR(store_->ScanEntries(from, to, [&](uint64_t seq, std::string_view bytes) {
      if (seq != expected) {
        status = DataLossError("ledger entry " + std::to_string(expected) +
                               " is missing: the entries were deleted or renumbered");
        return false;
      }
      batch.bytes.append(bytes);
      batch.ends.push_back(batch.bytes.size());
      ++expected;
      return true;
    }));
    if (status.ok() && expected != to) {
      status = DataLossError("ledger entry " + std::to_string(expected) + " is missing");
    }
    ASSIGN_OR_RETURN(auto previous, collect_previous());
    RETURN_IF_ERROR(status);
    hashing = std::async(std::launch::async, hash_batch, std::move(batch));
    reading = std::async(std::launch::async, read_nodes, from, to);
    if (previous) RETURN_IF_ERROR(check_batch(previous->first, previous->second));
  }
  ASSIGN_OR_RETURN(auto last, collect_previous());
  if (last) RETURN_IF_ERROR(check_batch(last->first, last->second));
  report.entries = tree.size();
  report.root = tree.Root();
  ASSIGN_OR_RETURN(uint64_t stored_nodes, store_->NodeCount());
  if (stored_nodes != report.nodes) {
    return DataLossError("the ledger has " + std::to_string(stored_nodes) +
                         " stored tree nodes "
                         "but its " +
                         std::to_string(report.entries) + " entries make " +
                         std::to_string(report.nodes) +
                         ": entries were removed from its end, or nodes inserted");
  }
  report.checkpoints = signed_trees.size();
  // Each checkpoint must also be provably a prefix of the next, from the stored nodes alone:
  // the proof a partner holding only the two checkpoints would ask for.
  ASSIGN_OR_RETURN(ledger::Log log, ledger::Log::Open(*store_));
  for (size_t i = 1; i < signed_trees.size(); ++i) {
    const ledger::Checkpoint& older = signed_trees[i - 1];
    const ledger::Checkpoint& newer = signed_trees[i];
    ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, log.ConsistencyProof(older.size, newer.size));
    RETURN_IF_ERROR(ledger::VerifyConsistency(older.size, newer.size, older.root, newer.root, proof)
                        .WithContext("checkpoints of " + std::to_string(older.size) + " and " +
                                     std::to_string(newer.size) + " entries"));
  }
  report.uncovered = report.entries - (signed_trees.empty() ? 0 : signed_trees.back().size);

  // The first entry names the key the repository was created with.
  if (size > 0) {
    ASSIGN_OR_RETURN(Json init, ReadEntryJson(*store_, 0));
    if (init.value("op", "") != "init" ||
        init.value("public_key", "") != crypto::Base64Encode(crypto::AsBytes(trusted.key))) {
      return DataLossError(
          "the ledger's first entry records another key than the one trusted: "
          "the key file or the ledger was replaced");
    }
  }

  if (options.projections) {
    ASSIGN_OR_RETURN(RebuildReport rebuilt, RebuildProjections({}, /*commit=*/false));
    if (!rebuilt.identical()) {
      return DataLossError(
          "the projection tables differ from a rebuild from the ledger: "
          "they were changed outside Custodian (custodian rebuild repairs "
          "them)");
    }
    report.projections_checked = true;
  }
  return report;
}

Status Repository::ExportBundle(std::ostream& out, const Progress& progress) {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  ASSIGN_OR_RETURN(CheckpointInfo newest, Checkpoint());
  ASSIGN_OR_RETURN(std::string key, VerifierKey());
  ASSIGN_OR_RETURN(std::vector<CheckpointInfo> checkpoints, Checkpoints());
  ASSIGN_OR_RETURN(std::vector<std::string> witnesses, store_->ListWitnesses());
  ASSIGN_OR_RETURN(std::string origin, Origin());
  Json sizes = Json::array();
  for (const CheckpointInfo& c : checkpoints) sizes.push_back(c.size);
  out << CanonicalJson({{"format", ledger::kBundleFormat},
                        {"origin", origin},
                        {"verifier_key", key},
                        {"tree_size", newest.size},
                        {"checkpoint_sizes", sizes}})
      << "\n";
  Status status;
  RETURN_IF_ERROR(store_->ScanEntries(0, newest.size, [&](uint64_t seq, std::string_view bytes) {
    out << CanonicalJson({{"seq", seq}, {"entry", crypto::Base64Encode(bytes)}}) << "\n";
    if (progress && seq % 4096 == 0) progress(seq, newest.size);
    return static_cast<bool>(out);
  }));
  for (const CheckpointInfo& c : checkpoints)
    out << CanonicalJson({{"checkpoint", c.note}}) << "\n";
  for (const std::string& w : witnesses) out << CanonicalJson({{"witness", w}}) << "\n";
  if (progress) progress(newest.size, newest.size);
  if (!out) return UnavailableError("cannot write the bundle");
  return OkStatus();
}

Status Repository::AddWitness(const std::string& verifier_key) {
  RETURN_IF_ERROR(Authorize(protect::Action::kManageWitnesses));
  ASSIGN_OR_RETURN(ledger::NoteVerifier witness, ledger::NoteVerifier::Parse(verifier_key));
  ASSIGN_OR_RETURN(std::string origin, Origin());
  if (witness.name == origin) {
    return InvalidArgumentError("that is this repository's own key, not a witness");
  }
  return store_->AddWitness(witness.ToString(), FormatTimestamp(options_.env->NowMicros()));
}

Result<std::vector<WitnessInfo>> Repository::Witnesses() {
  RETURN_IF_ERROR(Authorize(protect::Action::kReadLedger));
  ASSIGN_OR_RETURN(std::vector<std::string> keys, store_->ListWitnesses());
  ASSIGN_OR_RETURN(std::vector<CheckpointInfo> checkpoints, Checkpoints());
  std::vector<WitnessInfo> out;
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(ledger::NoteVerifier witness, ledger::NoteVerifier::Parse(key));
    WitnessInfo info{.verifier_key = key};
    for (const CheckpointInfo& c : checkpoints) {
      Result<ledger::SignedNote> note = ledger::SignedNote::Parse(c.note);
      if (note.ok() && ledger::VerifyNote(*note, witness).ok()) info.sizes.push_back(c.size);
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<int> Repository::ImportCosignatures(const std::string& text) {
  RETURN_IF_ERROR(Authorize(protect::Action::kCheckpoint));
  ASSIGN_OR_RETURN(ledger::SignedNote incoming, ledger::SignedNote::Parse(text));
  ASSIGN_OR_RETURN(std::vector<std::string> keys, store_->ListWitnesses());
  Transaction txn(*store_);
  RETURN_IF_ERROR(txn.Begin());
  ASSIGN_OR_RETURN(auto stored, store_->ListCheckpoints());
  auto match = std::find_if(stored.begin(), stored.end(), [&](const auto& c) {
    Result<ledger::SignedNote> note = ledger::SignedNote::Parse(c.note);
    return note.ok() && note->body == incoming.body;
  });
  if (match == stored.end()) {
    return NotFoundError(
        "no checkpoint of this repository has that body; a witness must sign "
        "a checkpoint exactly as custodian issued it");
  }
  ASSIGN_OR_RETURN(ledger::SignedNote ours, ledger::SignedNote::Parse(match->note));
  int added = 0;
  for (const ledger::NoteSignature& sig : incoming.signatures) {
    bool have = std::any_of(ours.signatures.begin(), ours.signatures.end(), [&](const auto& s) {
      return s.name == sig.name && s.key_id == sig.key_id;
    });
    if (have) continue;
    for (const std::string& key : keys) {
      ASSIGN_OR_RETURN(ledger::NoteVerifier witness, ledger::NoteVerifier::Parse(key));
      if (witness.name != sig.name || witness.key_id != sig.key_id) continue;
      ledger::SignedNote single{.body = incoming.body, .signatures = {sig}};
      RETURN_IF_ERROR(ledger::VerifyNote(single, witness).WithContext("cosignature"));
      ours.signatures.push_back(sig);
      ++added;
    }
  }
  if (added == 0) {
    return NotFoundError(
        "the note carries no new signature by a known witness (add witnesses "
        "with custodian witness add)");
  }
  RETURN_IF_ERROR(store_->SetCheckpointNote(match->id, ours.ToString()));
  RETURN_IF_ERROR(txn.Commit());
  return added;
}

}  // namespace custodian::repo
