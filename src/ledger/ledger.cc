// The Merkle log: appends that write each completed subtree hash once, and roots and proofs
// assembled from those stored hashes (RFC 6962 §2.1, verification per RFC 9162 §2.1.3-2.1.4).
#include "ledger/ledger.h"

#include <bit>

namespace custodian::ledger {
namespace {

// Largest power of two strictly smaller than n (n >= 2): RFC 6962's split point k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

std::string_view Bytes(const Hash& h) { return crypto::AsBytes(h); }

}  // namespace

Hash LeafHash(std::string_view entry) {
  static constexpr char kLeafPrefix = 0x00;
  return crypto::Sha256Parts({std::string_view(&kLeafPrefix, 1), entry});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kNodePrefix = 0x01;
  return crypto::Sha256Parts({std::string_view(&kNodePrefix, 1), Bytes(left), Bytes(right)});
}

Hash EmptyTreeHash() { return crypto::Sha256(""); }

Hash TreeBuilder::Root() const {
  if (size_ == 0) return EmptyTreeHash();
  bool have = false;
  Hash root{};
  for (int level = 0; level < 64; ++level) {
    if ((size_ >> level & 1) == 0) continue;
    root = have ? NodeHash(edge_[level], root) : edge_[level];
    have = true;
  }
  return root;
}

Result<Log> Log::Open(LogStore& store) {
  Log log(store);
  ASSIGN_OR_RETURN(log.tree_.size_, store.EntryCount());
  // The complete subtrees on the right edge are the set bits of the size, largest leftmost.
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((log.tree_.size_ & width) == 0) continue;
    ASSIGN_OR_RETURN(log.tree_.edge_[level], store.ReadNode(level, begin >> level));
    begin += width;
  }
  return log;
}

Result<uint64_t> Log::Append(std::string_view entry) {
  const uint64_t seq = tree_.size();
  RETURN_IF_ERROR(store_->WriteEntry(seq, entry));
  Status status;
  tree_.Append(LeafHash(entry), [&](int level, uint64_t index, const Hash& hash) {
    if (status.ok()) status = store_->WriteNode(level, index, hash);
  });
  RETURN_IF_ERROR(status);
  return seq;
}

Hash Log::RootHash() const { return tree_.Root(); }

Result<Hash> Log::RootHashAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return NotFoundError("the ledger has " + std::to_string(size()) + " entries, not " +
                         std::to_string(tree_size));
  }
  if (tree_size == 0) return EmptyTreeHash();
  if (tree_size == size()) return RootHash();
  return SubtreeHash(0, tree_size);
}

// MTH(D[begin:end]) from stored nodes. The recursion only ever asks for ranges whose left
// part is an aligned power of two, which is exactly what was stored when it completed.
Result<Hash> Log::SubtreeHash(uint64_t begin, uint64_t end) const {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return store_->ReadNode(std::countr_zero(n), begin / n);
  }
  const uint64_t k = SplitPoint(n);
  ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
  ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
  return NodeHash(left, right);
}

Status Log::AppendPath(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash>& out) const {
  const uint64_t n = end - begin;
  if (n <= 1) return OkStatus();
  const uint64_t k = SplitPoint(n);
  if (index < begin + k) {
    RETURN_IF_ERROR(AppendPath(index, begin, begin + k, out));
    ASSIGN_OR_RETURN(Hash sibling, SubtreeHash(begin + k, end));
    out.push_back(sibling);
  } else {
    RETURN_IF_ERROR(AppendPath(index, begin + k, end, out));
    ASSIGN_OR_RETURN(Hash sibling, SubtreeHash(begin, begin + k));
    out.push_back(sibling);
  }
  return OkStatus();
}

Result<std::vector<Hash>> Log::InclusionProof(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size()) {
    return NotFoundError("the ledger has " + std::to_string(size()) + " entries, not " +
                         std::to_string(tree_size));
  }
  if (index >= tree_size) {
    return InvalidArgumentError("entry " + std::to_string(index) + " is not in a tree of size " +
                                std::to_string(tree_size));
  }
  std::vector<Hash> proof;
  RETURN_IF_ERROR(AppendPath(index, 0, tree_size, proof));
  return proof;
}

// SUBPROOF(m, D[begin:end], complete) of RFC 6962 §2.1.2.
Status Log::AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                           std::vector<Hash>& out) const {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!complete) {
      ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end));
      out.push_back(h);
    }
    return OkStatus();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    RETURN_IF_ERROR(AppendSubproof(m, begin, begin + k, complete, out));
    ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
    out.push_back(right);
  } else {
    RETURN_IF_ERROR(AppendSubproof(m - k, begin + k, end, false, out));
    ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
    out.push_back(left);
  }
  return OkStatus();
}

Result<std::vector<Hash>> Log::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  if (new_size > size()) {
    return NotFoundError("the ledger has " + std::to_string(size()) + " entries, not " +
                         std::to_string(new_size));
  }
  if (old_size > new_size) {
    return InvalidArgumentError("old size " + std::to_string(old_size) +
                                " is larger than new size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  RETURN_IF_ERROR(AppendSubproof(old_size, 0, new_size, true, proof));
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t tree_size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  if (index >= tree_size) {
    return DataLossError("inclusion proof: index " + std::to_string(index) +
                         " is outside a tree of size " + std::to_string(tree_size));
  }
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return DataLossError("inclusion proof is longer than the tree allows");
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("inclusion proof is shorter than the tree requires");
  if (!crypto::ConstantTimeEqual(r, root)) {
    return DataLossError("inclusion proof does not lead to the expected root hash");
  }
  return OkStatus();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size > new_size) {
    return DataLossError("consistency proof: old size is larger than new size");
  }
  if (old_size == new_size) {
    if (!proof.empty()) return DataLossError("consistency proof between equal sizes must be empty");
    if (old_root != new_root) return DataLossError("equal tree sizes with different roots");
    return OkStatus();
  }
  if (old_size == 0) {
    if (!proof.empty()) return DataLossError("consistency proof from an empty tree must be empty");
    return OkStatus();
  }
  if (proof.empty()) return DataLossError("consistency proof is empty");
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return DataLossError("consistency proof is longer than the trees allow");
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("consistency proof is shorter than the trees require");
  if (fr != old_root) return DataLossError("consistency proof does not reproduce the old root");
  if (sr != new_root) return DataLossError("consistency proof does not reproduce the new root");
  return OkStatus();
}

}  // namespace custodian::ledger
