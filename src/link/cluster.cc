// Clustering of scored pairs into persons, and pairwise evaluation against known identities.
//
// Plain transitive closure of pairs above a threshold chains: A~B and B~C join A and C however
// different they are, and one bad pair can merge two large clusters. Here pairs are taken
// strongest first (as single linkage would) but a union is made only if most of the cross pairs
// between the two clusters are themselves at least weakly linked; cross pairs that blocking did
// not produce are scored on demand, so the guard sees every pair it decides on. A size cap bounds
// the cost of that check (at most max_cluster_size^2 / 4 pairs per union).
#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "link/link.h"

namespace custodian::link {

Clustering Cluster(size_t records, std::span<const ScoredPair> pairs, const LinkOptions& options,
                   const std::function<double(uint32_t, uint32_t)>& score) {
  Clustering out;
  auto key = [](uint32_t a, uint32_t b) {
    if (a > b) std::swap(a, b);
    return static_cast<uint64_t>(a) << 32 | b;
  };
  // Probabilities of the pairs at or above the link threshold; any other cross pair is either a
  // candidate below it or was never compared, and scoring it again gives the same answer.
  std::unordered_map<uint64_t, double> linked;
  std::vector<ScoredPair> strong;
  for (const ScoredPair& p : pairs) {
    if (p.probability >= options.link_threshold) linked.emplace(key(p.a, p.b), p.probability);
    if (p.probability >= options.match_threshold) strong.push_back(p);
  }
  std::sort(strong.begin(), strong.end(), [](const ScoredPair& x, const ScoredPair& y) {
    if (x.probability != y.probability) return x.probability > y.probability;
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });

  std::vector<uint32_t> parent(records);
  std::iota(parent.begin(), parent.end(), 0u);
  std::vector<std::vector<uint32_t>> members(records);
  for (uint32_t i = 0; i < records; ++i) members[i] = {i};
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const ScoredPair& p : strong) {
    uint32_t ra = find(p.a), rb = find(p.b);
    if (ra == rb) continue;
    const auto& ma = members[ra];
    const auto& mb = members[rb];
    if (ma.size() + mb.size() > options.max_cluster_size) {
      ++out.merges_refused_size;
      continue;
    }
    size_t supported = 0;
    for (uint32_t x : ma) {
      for (uint32_t y : mb) {
        auto it = linked.find(key(x, y));
        double probability;
        if (it != linked.end()) {
          probability = it->second;
        } else {
          probability = score(std::min(x, y), std::max(x, y));
          ++out.pairs_scored_on_demand;
        }
        if (probability >= options.link_threshold) ++supported;
      }
    }
    const double fraction =
        static_cast<double>(supported) / static_cast<double>(ma.size() * mb.size());
    if (!(fraction > options.min_link_fraction)) {
      ++out.merges_refused_chain;
      continue;
    }
    if (ma.size() < mb.size()) std::swap(ra, rb);
    parent[rb] = ra;
    members[ra].insert(members[ra].end(), members[rb].begin(), members[rb].end());
    members[rb].clear();
    members[rb].shrink_to_fit();
  }
  // Dense ids in order of each cluster's first record.
  out.cluster_of.assign(records, 0);
  std::vector<uint32_t> id_of_root(records, UINT32_MAX);
  for (uint32_t i = 0; i < records; ++i) {
    const uint32_t r = find(i);
    if (id_of_root[r] == UINT32_MAX) id_of_root[r] = static_cast<uint32_t>(out.clusters++);
    out.cluster_of[i] = id_of_root[r];
  }
  return out;
}

namespace {

uint64_t PairsIn(uint64_t n) { return n * (n - 1) / 2; }

PairwiseMetrics Finish(PairwiseMetrics m) {
  m.precision = m.predicted_pairs ? static_cast<double>(m.correct_pairs) / m.predicted_pairs : 0;
  m.recall = m.true_pairs ? static_cast<double>(m.correct_pairs) / m.true_pairs : 0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  return m;
}

uint64_t PairsWithin(std::span<const uint32_t> labels) {
  std::unordered_map<uint32_t, uint64_t> size;
  for (uint32_t l : labels) ++size[l];
  uint64_t pairs = 0;
  for (const auto& [label, n] : size) pairs += PairsIn(n);
  return pairs;
}

}  // namespace

PairwiseMetrics EvaluateClusters(std::span<const uint32_t> cluster_of,
                                 std::span<const uint32_t> truth) {
  PairwiseMetrics m;
  const size_t n = std::min(cluster_of.size(), truth.size());
  m.true_pairs = PairsWithin(truth.subspan(0, n));
  m.predicted_pairs = PairsWithin(cluster_of.subspan(0, n));
  // Correct pairs share both the predicted cluster and the true identity.
  std::unordered_map<uint64_t, uint64_t> both;
  for (size_t i = 0; i < n; ++i) ++both[static_cast<uint64_t>(cluster_of[i]) << 32 | truth[i]];
  for (const auto& [cell, count] : both) m.correct_pairs += PairsIn(count);
  return Finish(m);
}

PairwiseMetrics EvaluatePairs(std::span<const std::pair<uint32_t, uint32_t>> pairs,
                              std::span<const uint32_t> truth) {
  PairwiseMetrics m;
  m.true_pairs = PairsWithin(truth);
  m.predicted_pairs = pairs.size();
  for (const auto& [a, b] : pairs) {
    if (a < truth.size() && b < truth.size() && truth[a] == truth[b]) ++m.correct_pairs;
  }
  return Finish(m);
}

}  // namespace custodian::link
