// Private to src/synth: deterministic random numbers and a pseudo-random permutation.
//
// The corpus must be the same bytes for a seed on every machine and standard library, so
// nothing here uses std:: distributions (their algorithms are unspecified and differ between
// libstdc++ and libc++) or libm (results may differ in the last bit between C libraries): only
// 64-bit integer arithmetic and IEEE-754 double multiplications and comparisons, which are exact
// and identical wherever doubles are binary64 with round-to-nearest.
#ifndef CUSTODIAN_SYNTH_RNG_H_
#define CUSTODIAN_SYNTH_RNG_H_

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace custodian::synth {

// The finaliser of SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a bijection on 64 bits that mixes every input bit into every
// output bit.
constexpr uint64_t Mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A hash of a few numbers, to give every (seed, purpose, victim, source) its own independent
// stream. Generating a victim therefore never depends on which victims were generated before,
// so each documentation project can visit the victims in its own order.
inline uint64_t HashOf(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x243f6a8885a308d3ULL;  // pi's fractional digits: an arbitrary, public constant
  for (uint64_t part : parts) h = Mix64((h ^ part) + 0x9e3779b97f4a7c15ULL);
  return h;
}

// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 2021), seeded through SplitMix64 as its authors recommend.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      word = Mix64(seed);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n > 0, without bias (Lemire, "Fast random integer generation in an
  // interval", ACM TOMACS 2019).
  uint64_t Below(uint64_t n) {
    assert(n > 0);
    uint64_t high, low;
    Multiply(Next(), n, high, low);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) Multiply(Next(), n, high, low);
    }
    return high;
  }

  // Uniform in [lo, hi], both included; lo <= hi.
  int Between(int lo, int hi) {
    assert(lo <= hi);
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1), on the 2^53 doubles of the form k * 2^-53.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Unit() < p; }

  size_t Index(size_t n) { return static_cast<size_t>(Below(n)); }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Index(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // The 128-bit product of a and b as (high, low) 64-bit halves, in standard C++ (no __int128).
  static void Multiply(uint64_t a, uint64_t b, uint64_t& high, uint64_t& low) {
    const uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
    const uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
    const uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    const uint64_t middle = (p0 >> 32) + (p1 & 0xffffffffULL) + (p2 & 0xffffffffULL);
    low = (p0 & 0xffffffffULL) | (middle << 32);
    high = p3 + (p1 >> 32) + (p2 >> 32) + (middle >> 32);
  }
  uint64_t state_[4];
};

// Picks an index with probability proportional to its weight (weights >= 0, some > 0).
class WeightedChoice {
 public:
  WeightedChoice() = default;
  explicit WeightedChoice(const std::vector<double>& weights) {
    double sum = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      sum += weights[i];
      cumulative_.push_back(sum);
      if (weights[i] > 0) last_positive_ = i;
    }
    total_ = sum;
  }

  bool empty() const { return !(total_ > 0); }
  size_t size() const { return cumulative_.size(); }

  size_t Pick(Rng& rng) const {
    assert(!empty());
    const double r = rng.Unit() * total_;
    // The first index whose running sum exceeds r; zero weights never qualify. Rounding can
    // make r equal the total, which no running sum exceeds: that is the last positive weight.
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
    return it == cumulative_.end() ? last_positive_ : static_cast<size_t>(it - cumulative_.begin());
  }

 private:
  std::vector<double> cumulative_;
  double total_ = 0;
  size_t last_positive_ = 0;
};

// A pseudo-random permutation of [0, n): a balanced Feistel network on the smallest even number
// of bits that covers n, with cycle walking to stay below n (Black and Rogaway, "Ciphers with
// arbitrary finite domains", CT-RSA 2002). Each documentation project visits the victims in its
// own order, and its case numbers say nothing about the true victim, without storing n numbers.
class Permutation {
 public:
  Permutation(uint64_t n, uint64_t key) : n_(n), key_(key) {
    int bits = 2;
    while (bits < 62 && (uint64_t{1} << bits) < n) bits += 2;
    half_bits_ = bits / 2;
    mask_ = (uint64_t{1} << half_bits_) - 1;
  }

  // x in [0, n). Walking the cycle of x under the network ends below n because x itself is.
  uint64_t Forward(uint64_t x) const {
    do x = Encrypt(x);
    while (x >= n_);
    return x;
  }
  uint64_t Inverse(uint64_t y) const {
    do y = Decrypt(y);
    while (y >= n_);
    return y;
  }

 private:
  static constexpr int kRounds = 6;
  uint64_t Round(int round, uint64_t half) const {
    return Mix64(key_ ^ Mix64((static_cast<uint64_t>(round) << 40) ^ half)) & mask_;
  }
  uint64_t Encrypt(uint64_t x) const {
    uint64_t left = x >> half_bits_, right = x & mask_;
    for (int i = 0; i < kRounds; ++i) {
      const uint64_t next = left ^ Round(i, right);
      left = right;
      right = next;
    }
    return (left << half_bits_) | right;
  }
  uint64_t Decrypt(uint64_t y) const {
    uint64_t left = y >> half_bits_, right = y & mask_;
    for (int i = kRounds - 1; i >= 0; --i) {
      const uint64_t previous = right ^ Round(i, left);
      right = left;
      left = previous;
    }
    return (left << half_bits_) | right;
  }

  uint64_t n_, key_, mask_ = 0;
  int half_bits_ = 1;
};

}  // namespace custodian::synth

#endif  // CUSTODIAN_SYNTH_RNG_H_
