// Portable inclusion and consistency proofs and ledger bundles: the documents a court or a
// partner checks without access to the repository (docs/formats/proofs.md).
#include <map>

#include "base/canonical_json.h"
#include "ledger/ledger.h"

namespace custodian::ledger {
namespace {

using Json = nlohmann::json;

Json HashList(const std::vector<Hash>& path) {
  Json out = Json::array();
  for (const Hash& h : path) out.push_back(crypto::Base64Encode(crypto::AsBytes(h)));
  return out;
}

Result<Hash> HashFrom(const Json& v, std::string_view what) {
  if (!v.is_string()) return InvalidArgumentError(std::string(what) + ": expected base64");
  Result<std::string> bytes = crypto::Base64Decode(v.get<std::string>());
  Hash h;
  if (!bytes.ok() || bytes->size() != h.size()) {
    return InvalidArgumentError(std::string(what) + ": not a 32-byte hash in base64");
  }
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

Result<std::vector<Hash>> PathFrom(const Json& v) {
  if (!v.is_array() || v.size() > 128) return InvalidArgumentError("path: expected a list");
  std::vector<Hash> out;
  for (const Json& h : v) {
    ASSIGN_OR_RETURN(Hash hash, HashFrom(h, "path"));
    out.push_back(hash);
  }
  return out;
}

Result<uint64_t> UintFrom(const Json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_unsigned()) {
    return InvalidArgumentError(std::string(key) + ": expected a non-negative integer");
  }
  return it->get<uint64_t>();
}

Result<std::string> StringFrom(const Json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) {
    return InvalidArgumentError(std::string(key) + ": expected a string");
  }
  return it->get<std::string>();
}

// The checkpoint of a signed note, after checking the note's signature by `log`.
Result<Checkpoint> VerifiedCheckpoint(std::string_view note_text, const NoteVerifier& log) {
  ASSIGN_OR_RETURN(SignedNote note, SignedNote::Parse(note_text));
  RETURN_IF_ERROR(VerifyNote(note, log));
  ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note.body));
  if (cp.origin != log.name) {
    return DataLossError("checkpoint origin '" + cp.origin + "' is not the log '" + log.name + "'");
  }
  return cp;
}

}  // namespace

Json ToJson(const InclusionProofDoc& doc) {
  return {{"format", "custodian-inclusion-proof/1"},
          {"entry", crypto::Base64Encode(doc.entry)},
          {"index", doc.index},
          {"tree_size", doc.tree_size},
          {"path", HashList(doc.path)},
          {"checkpoint", doc.checkpoint}};
}

Result<InclusionProofDoc> InclusionProofFromJson(const Json& json) {
  if (!json.is_object() || json.value("format", "") != "custodian-inclusion-proof/1") {
    return InvalidArgumentError("not a custodian-inclusion-proof/1 document");
  }
  InclusionProofDoc doc;
  ASSIGN_OR_RETURN(std::string entry64, StringFrom(json, "entry"));
  ASSIGN_OR_RETURN(doc.entry, crypto::Base64Decode(entry64));
  ASSIGN_OR_RETURN(doc.index, UintFrom(json, "index"));
  ASSIGN_OR_RETURN(doc.tree_size, UintFrom(json, "tree_size"));
  ASSIGN_OR_RETURN(doc.path, PathFrom(json.value("path", Json())));
  ASSIGN_OR_RETURN(doc.checkpoint, StringFrom(json, "checkpoint"));
  return doc;
}

Status VerifyInclusionDoc(const InclusionProofDoc& doc, const NoteVerifier& log) {
  ASSIGN_OR_RETURN(Checkpoint cp, VerifiedCheckpoint(doc.checkpoint, log));
  if (cp.size != doc.tree_size) {
    return DataLossError("the proof is for a tree of " + std::to_string(doc.tree_size) +
                         " entries but the checkpoint signs " + std::to_string(cp.size));
  }
  return VerifyInclusion(doc.index, doc.tree_size, LeafHash(doc.entry), doc.path, cp.root)
      .WithContext("entry " + std::to_string(doc.index));
}

Json ToJson(const ConsistencyProofDoc& doc) {
  return {{"format", "custodian-consistency-proof/1"},
          {"old_checkpoint", doc.old_checkpoint},
          {"new_checkpoint", doc.new_checkpoint},
          {"path", HashList(doc.path)}};
}

Result<ConsistencyProofDoc> ConsistencyProofFromJson(const Json& json) {
  if (!json.is_object() || json.value("format", "") != "custodian-consistency-proof/1") {
    return InvalidArgumentError("not a custodian-consistency-proof/1 document");
  }
  ConsistencyProofDoc doc;
  ASSIGN_OR_RETURN(doc.old_checkpoint, StringFrom(json, "old_checkpoint"));
  ASSIGN_OR_RETURN(doc.new_checkpoint, StringFrom(json, "new_checkpoint"));
  ASSIGN_OR_RETURN(doc.path, PathFrom(json.value("path", Json())));
  return doc;
}

Status VerifyConsistencyDoc(const ConsistencyProofDoc& doc, const NoteVerifier& log) {
  ASSIGN_OR_RETURN(Checkpoint old_cp, VerifiedCheckpoint(doc.old_checkpoint, log));
  ASSIGN_OR_RETURN(Checkpoint new_cp, VerifiedCheckpoint(doc.new_checkpoint, log));
  return VerifyConsistency(old_cp.size, new_cp.size, old_cp.root, new_cp.root, doc.path)
      .WithContext("checkpoints of " + std::to_string(old_cp.size) + " and " +
                   std::to_string(new_cp.size) + " entries");
}

Result<BundleReport> VerifyBundle(std::istream& in, const std::optional<NoteVerifier>& trusted) {
  BundleReport report;
  std::string line;
  uint64_t line_no = 0;
  auto where = [&] { return "bundle line " + std::to_string(line_no); };
  auto next = [&]() -> Result<std::optional<Json>> {
    if (!std::getline(in, line)) return std::optional<Json>();
    ++line_no;
    Result<Json> json = ParseJson(line, {.max_bytes = 64 << 20, .max_depth = 64});
    if (!json.ok()) return json.status().WithContext(where());
    if (!json->is_object()) return InvalidArgumentError(where() + ": expected a JSON object");
    return std::optional<Json>(std::move(json).value());
  };

  ASSIGN_OR_RETURN(std::optional<Json> header, next());
  if (!header || header->value("format", "") != kBundleFormat) {
    return InvalidArgumentError("not a " + std::string(kBundleFormat) + " file");
  }
  ASSIGN_OR_RETURN(std::string named_key, StringFrom(*header, "verifier_key"));
  ASSIGN_OR_RETURN(uint64_t declared_size, UintFrom(*header, "tree_size"));
  ASSIGN_OR_RETURN(NoteVerifier named, NoteVerifier::Parse(named_key));
  // The header lists the sizes its checkpoints sign, so one pass can keep just those roots.
  std::map<uint64_t, Hash> roots;
  const Json sizes = header->value("checkpoint_sizes", Json::array());
  if (!sizes.is_array() || sizes.size() > 1000000) {
    return InvalidArgumentError("checkpoint_sizes: expected a list");
  }
  for (const Json& size : sizes) {
    if (!size.is_number_unsigned()) return InvalidArgumentError("checkpoint_sizes: bad size");
    roots[size.get<uint64_t>()] = EmptyTreeHash();
  }
  const NoteVerifier& log = trusted ? *trusted : named;
  report.verifier_key = log.ToString();

  // Entries: stream them through a tree builder, remembering the root at every size.
  TreeBuilder tree;
  std::vector<Json> tail;  // checkpoint and witness lines after the entries
  std::optional<Json> item;
  while (true) {
    ASSIGN_OR_RETURN(item, next());
    if (!item || !item->contains("entry")) break;
    ASSIGN_OR_RETURN(uint64_t seq, UintFrom(*item, "seq"));
    if (seq != tree.size()) {
      return DataLossError(where() + ": expected entry " + std::to_string(tree.size()) +
                           ", found entry " + std::to_string(seq) +
                           " (entries were removed, inserted or reordered)");
    }
    ASSIGN_OR_RETURN(std::string entry64, StringFrom(*item, "entry"));
    Result<std::string> entry = crypto::Base64Decode(entry64);
    if (!entry.ok()) return entry.status().WithContext(where());
    tree.Append(LeafHash(*entry), [](int, uint64_t, const Hash&) {});
    if (auto it = roots.find(tree.size()); it != roots.end()) it->second = tree.Root();
  }
  report.entries = tree.size();
  report.root = tree.Root();
  if (report.entries != declared_size) {
    return DataLossError("the bundle declares " + std::to_string(declared_size) +
                         " entries but holds " + std::to_string(report.entries));
  }
  while (item) {
    tail.push_back(std::move(*item));
    ASSIGN_OR_RETURN(item, next());
  }

  std::vector<NoteVerifier> witnesses;
  std::vector<SignedNote> notes;
  for (const Json& t : tail) {
    if (t.contains("witness")) {
      ASSIGN_OR_RETURN(std::string vkey, StringFrom(t, "witness"));
      ASSIGN_OR_RETURN(NoteVerifier w, NoteVerifier::Parse(vkey));
      witnesses.push_back(std::move(w));
    } else if (t.contains("checkpoint")) {
      ASSIGN_OR_RETURN(std::string text, StringFrom(t, "checkpoint"));
      ASSIGN_OR_RETURN(SignedNote note, SignedNote::Parse(text));
      notes.push_back(std::move(note));
    } else {
      return InvalidArgumentError(
          "bundle has a line that is neither entry, checkpoint nor witness");
    }
  }
  bool covers_all = false;
  for (const SignedNote& note : notes) {
    RETURN_IF_ERROR(VerifyNote(note, log).WithContext("checkpoint"));
    ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note.body));
    if (cp.origin != log.name) {
      return DataLossError("checkpoint origin '" + cp.origin + "' is not the log '" + log.name +
                           "'");
    }
    if (cp.size > report.entries) {
      return DataLossError("a checkpoint signs " + std::to_string(cp.size) +
                           " entries but the bundle holds only " + std::to_string(report.entries) +
                           " (entries were removed)");
    }
    auto root = roots.find(cp.size);
    if (root == roots.end()) {
      return InvalidArgumentError("a checkpoint of " + std::to_string(cp.size) +
                                  " entries is missing from the header's checkpoint_sizes");
    }
    if (root->second != cp.root) {
      return DataLossError("the first " + std::to_string(cp.size) +
                           " entries do not hash to the root signed in their checkpoint: an "
                           "entry among them was altered");
    }
    covers_all |= cp.size == report.entries;
    ++report.checkpoints;
    for (const NoteVerifier& w : witnesses) {
      if (VerifyNote(note, w).ok()) {
        auto it = std::find_if(report.witnesses.begin(), report.witnesses.end(),
                               [&](const auto& p) { return p.first == w.ToString(); });
        if (it == report.witnesses.end()) {
          report.witnesses.push_back({w.ToString(), {}});
          it = std::prev(report.witnesses.end());
        }
        it->second.push_back(cp.size);
      }
    }
  }
  if (!covers_all) {
    return DataLossError("no signed checkpoint covers all " + std::to_string(report.entries) +
                         " entries; the last ones are unproven");
  }
  return report;
}

}  // namespace custodian::ledger
