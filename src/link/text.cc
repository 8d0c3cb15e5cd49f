// UTF-8, name folding and the string measures of link.h. Measures work on code points so that
// a Hangul syllable or ŏ counts as one character, as the definitions intend (Jaro 1989; Winkler
// 1990; Levenshtein 1966).
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <string>
#include <vector>

#include "link/internal.h"
#include "link/link.h"

namespace custodian::link {

namespace internal {
namespace {

// Marks that write an aspirate (MR ch', k'), an elision or a glottal stop: part of the word.
bool IsApostrophe(char32_t c) {
  return c == U'\'' || c == U'\u2019' || c == U'\u2018' || c == U'\u02BC' || c == U'\u02BB' ||
         c == U'`' || c == U'\u00B4';
}

void AddBreak(std::u32string& out, bool keep_breaks, bool& pending) {
  if (keep_breaks && !out.empty()) pending = true;
}

void AddLetter(std::u32string& out, char32_t c, bool& pending) {
  if (pending) out += U' ';
  pending = false;
  out += c;
}

}  // namespace

Result<std::u32string> FoldLetters(std::string_view text, bool keep_breaks) {
  std::u32string out;
  bool pending = false;
  // Plain ASCII, the common case for FEBRL-style data, needs no Unicode tables.
  if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
    out.reserve(text.size());
    for (char ch : text) {
      const char32_t c = static_cast<unsigned char>(ch);
      if (c >= U'A' && c <= U'Z') {
        AddLetter(out, c + 32, pending);
      } else if (c >= U'a' && c <= U'z') {
        AddLetter(out, c, pending);
      } else if (!IsApostrophe(c)) {
        AddBreak(out, keep_breaks, pending);
      }
    }
    return out;
  }
  ASSIGN_OR_RETURN(std::u32string decoded, DecodeUtf8(text));
  std::u32string kept;
  kept.reserve(decoded.size());
  for (char32_t c : decoded) {
    if (!IsApostrophe(c)) kept += c;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return InternalError("ICU normalizer unavailable");
  const icu::UnicodeString source = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(kept.data()), static_cast<int32_t>(kept.size()));
  const icu::UnicodeString normal = nfkc->normalize(source, status);
  if (U_FAILURE(status)) return InternalError("ICU normalization failed");
  for (int32_t i = 0; i < normal.length();) {
    const UChar32 c = normal.char32At(i);
    i += U16_LENGTH(c);
    if (IsHangulSyllable(static_cast<char32_t>(c))) {
      AddLetter(out, static_cast<char32_t>(c), pending);
      continue;
    }
    // The base letter of a precomposed one (ŏ -> o, é -> e); marks on their own are dropped.
    UChar32 base = c;
    icu::UnicodeString decomposition;
    if (nfd->getDecomposition(c, decomposition) && decomposition.length() > 0) {
      base = decomposition.char32At(0);
    }
    const int8_t type = u_charType(base);
    if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
        type == U_ENCLOSING_MARK) {
      continue;
    }
    if (u_isalpha(base)) {
      AddLetter(out, static_cast<char32_t>(u_foldCase(base, U_FOLD_CASE_DEFAULT)), pending);
    } else {
      AddBreak(out, keep_breaks, pending);
    }
  }
  return out;
}

}  // namespace internal

Result<std::u32string> NormalizeName(std::string_view name) {
  return internal::FoldLetters(name, /*keep_breaks=*/false);
}

double Jaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t window = std::max(a.size(), b.size()) / 2;
  const size_t range = window > 0 ? window - 1 : 0;
  // Names are short; small fixed buffers avoid an allocation per comparison.
  constexpr size_t kSmall = 64;
  bool a_small[kSmall] = {}, b_small[kSmall] = {};
  std::vector<bool> a_big, b_big;
  const bool small = a.size() <= kSmall && b.size() <= kSmall;
  if (!small) {
    a_big.assign(a.size(), false);
    b_big.assign(b.size(), false);
  }
  auto a_flag = [&](size_t i) -> bool { return small ? a_small[i] : a_big[i]; };
  auto b_flag = [&](size_t j) -> bool { return small ? b_small[j] : b_big[j]; };
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > range ? i - range : 0;
    const size_t hi = std::min(b.size(), i + range + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (b_flag(j) || a[i] != b[j]) continue;
      if (small) {
        a_small[i] = b_small[j] = true;
      } else {
        a_big[i] = b_big[j] = true;
      }
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  size_t j = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a_flag(i)) continue;
    while (!b_flag(j)) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  // Half the out-of-order matches, rounded down, as the Census Bureau's strcmp95 (Winkler's
  // reference code) and jellyfish compute it; with an odd count the textbook's t/2 differs.
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(transpositions / 2)) / m) /
         3.0;
}

double JaroWinkler(std::u32string_view a, std::u32string_view b) {
  const double jaro = Jaro(a, b);
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  const size_t limit = std::min<size_t>({4, a.size(), b.size()});
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

size_t Levenshtein(std::u32string_view a, std::u32string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (b.empty()) return a.size();
  // One row of the Wagner-Fischer table, over the shorter string.
  constexpr size_t kSmall = 64;
  size_t small_row[kSmall + 1];
  std::vector<size_t> big_row;
  size_t* row = small_row;
  if (b.size() > kSmall) {
    big_row.resize(b.size() + 1);
    row = big_row.data();
  }
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

double LevenshteinSimilarity(std::u32string_view a, std::u32string_view b) {
  const size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(Levenshtein(a, b)) / static_cast<double>(longest);
}

std::string Soundex(std::u32string_view name) {
  // Codes for a..z; '0' for vowels and y (they separate equal codes), '-' for h and w (they do
  // not), per the American Soundex of the US National Archives.
  static constexpr char kCodes[] = "0123012-02245501262301-202";
  std::string out;
  char last = 0;
  for (char32_t c : name) {
    if (c >= U'A' && c <= U'Z') c += 32;
    if (c < U'a' || c > U'z') continue;
    const char code = kCodes[c - U'a'];
    if (out.empty()) {
      out += static_cast<char>(c - 32);
      last = code;
      continue;
    }
    if (code == '-') continue;
    if (code != '0' && code != last) out += code;
    last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return out;
  out.resize(4, '0');
  return out;
}

}  // namespace custodian::link
