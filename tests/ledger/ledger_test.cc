// The Merkle log against a plain recursive RFC 6962 reference, over random sizes, and its
// proofs checked by the verifiers (and by tampering with them).
#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <random>

namespace custodian::ledger {
namespace {

class MemoryLogStore : public LogStore {
 public:
  Result<uint64_t> EntryCount() override { return entries_.size(); }
  Status WriteEntry(uint64_t seq, std::string_view entry) override {
    if (seq != entries_.size()) return InternalError("out of order");
    entries_.emplace_back(entry);
    return OkStatus();
  }
  Result<std::string> ReadEntry(uint64_t seq) override {
    if (seq >= entries_.size()) return NotFoundError("no entry");
    return entries_[seq];
  }
  Status WriteNode(int level, uint64_t index, const Hash& hash) override {
    auto [it, inserted] = nodes_.emplace(std::make_pair(level, index), hash);
    if (!inserted) return InternalError("node written twice");
    return OkStatus();
  }
  Result<Hash> ReadNode(int level, uint64_t index) override {
    ++reads_;
    auto it = nodes_.find({level, index});
    if (it == nodes_.end()) return NotFoundError("no node");
    return it->second;
  }
  size_t node_count() const { return nodes_.size(); }
  std::vector<std::string> entries_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
  size_t reads_ = 0;
};

// RFC 6962 §2.1 MTH, written as the RFC states it.
Hash ReferenceRoot(const std::vector<std::string>& d, size_t begin, size_t end) {
  size_t n = end - begin;
  if (n == 0) return crypto::Sha256("");
  if (n == 1) return LeafHash(d[begin]);
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return NodeHash(ReferenceRoot(d, begin, begin + k), ReferenceRoot(d, begin + k, end));
}

std::vector<std::string> MakeEntries(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("{\"entry\":" + std::to_string(i) + "}");
  return out;
}

TEST(LedgerTest, EmptyTreeRootIsHashOfEmptyString) {
  MemoryLogStore store;
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(crypto::HexEncode(log->RootHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(LedgerTest, RootsMatchReferenceForEverySizeUpTo130) {
  MemoryLogStore store;
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  auto entries = MakeEntries(130);
  for (size_t i = 0; i < entries.size(); ++i) {
    Result<uint64_t> seq = log->Append(entries[i]);
    ASSERT_TRUE(seq.ok());
    EXPECT_EQ(*seq, i);
    EXPECT_EQ(log->RootHash(), ReferenceRoot(entries, 0, i + 1)) << "size " << i + 1;
  }
  // Level l holds floor(n / 2^l) complete subtrees, which sum to 2n - popcount(n).
  EXPECT_EQ(store.node_count(), 2 * entries.size() - std::popcount(entries.size()));
  for (size_t size = 0; size <= entries.size(); ++size) {
    Result<Hash> root = log->RootHashAt(size);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, ReferenceRoot(entries, 0, size)) << "size " << size;
  }
}

TEST(LedgerTest, ReopenedLogContinuesTheSameTree) {
  MemoryLogStore store;
  auto entries = MakeEntries(77);
  {
    Result<Log> log = Log::Open(store);
    ASSERT_TRUE(log.ok());
    for (size_t i = 0; i < 40; ++i) ASSERT_TRUE(log->Append(entries[i]).ok());
  }
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 40u);
  for (size_t i = 40; i < entries.size(); ++i) ASSERT_TRUE(log->Append(entries[i]).ok());
  EXPECT_EQ(log->RootHash(), ReferenceRoot(entries, 0, entries.size()));
}

TEST(LedgerTest, ProofsVerifyForRandomSizesAndFailWhenTampered) {
  std::mt19937_64 rng(20261129);
  MemoryLogStore store;
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  auto entries = MakeEntries(1000);
  for (const auto& e : entries) ASSERT_TRUE(log->Append(e).ok());
  for (int trial = 0; trial < 300; ++trial) {
    uint64_t size = 1 + rng() % entries.size();
    uint64_t index = rng() % size;
    Hash root = ReferenceRoot(entries, 0, size);
    Result<std::vector<Hash>> proof = log->InclusionProof(index, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_LE(proof->size(), 10u);  // ceil(log2(1000))
    Hash leaf = LeafHash(entries[index]);
    EXPECT_TRUE(VerifyInclusion(index, size, leaf, *proof, root).ok());
    EXPECT_FALSE(VerifyInclusion(index, size, LeafHash("forged"), *proof, root).ok());
    if (!proof->empty()) {
      auto bad = *proof;
      bad[rng() % bad.size()][0] ^= 1;
      EXPECT_EQ(VerifyInclusion(index, size, leaf, bad, root).code(), StatusCode::kDataLoss);
    }

    uint64_t old_size = 1 + rng() % size;
    Result<std::vector<Hash>> consistency = log->ConsistencyProof(old_size, size);
    ASSERT_TRUE(consistency.ok());
    Hash old_root = ReferenceRoot(entries, 0, old_size);
    EXPECT_TRUE(VerifyConsistency(old_size, size, old_root, root, *consistency).ok())
        << old_size << " -> " << size;
    if (old_size < size) {
      Hash wrong = old_root;
      wrong[5] ^= 0x80;
      EXPECT_FALSE(VerifyConsistency(old_size, size, wrong, root, *consistency).ok());
    }
  }
}

TEST(LedgerTest, ProofsUseLogarithmicallyManyReads) {
  MemoryLogStore store;
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  for (const auto& e : MakeEntries(4097)) ASSERT_TRUE(log->Append(e).ok());
  store.reads_ = 0;
  ASSERT_TRUE(log->InclusionProof(1234, 4097).ok());
  EXPECT_LE(store.reads_, 2u * 13);
  store.reads_ = 0;
  ASSERT_TRUE(log->RootHashAt(3001).ok());
  EXPECT_LE(store.reads_, 13u);
}

TEST(LedgerTest, RejectsQuestionsAboutTreesItDoesNotHave) {
  MemoryLogStore store;
  Result<Log> log = Log::Open(store);
  ASSERT_TRUE(log.ok());
  for (const auto& e : MakeEntries(5)) ASSERT_TRUE(log->Append(e).ok());
  EXPECT_EQ(log->InclusionProof(5, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->InclusionProof(0, 6).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log->ConsistencyProof(4, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->RootHashAt(6).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace custodian::ledger
