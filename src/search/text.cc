// Splitting and folding text for the index, the query parser and snippets (internal.h). One
// function does it for all three, so a word folds the same way wherever it is met. Offsets are
// kept so that snippets can highlight the original text, which Xapian's own snippet generator
// cannot do once the terms are folded (it would not highlight Ch'ŏl for a query "chol").
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <string>
#include <vector>

#include "base/utf8.h"
#include "search/internal.h"

namespace custodian::search::internal {

bool IsCjk(char32_t c) {
  if (c < 0x1100) return false;  // fast path for Latin and most alphabets
  UErrorCode error = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &error);
  if (U_FAILURE(error)) return false;
  return (script == USCRIPT_HAN || script == USCRIPT_HANGUL || script == USCRIPT_HIRAGANA ||
          script == USCRIPT_KATAKANA) &&
         (u_isalpha(static_cast<UChar32>(c)) || u_isdigit(static_cast<UChar32>(c)));
}

namespace {

struct Normalizers {
  const icu::Normalizer2* nfc = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  const icu::Normalizer2* nfkc_cf = nullptr;
};

const Normalizers* GetNormalizers() {
  static const Normalizers* const kNormalizers = [] {
    UErrorCode error = U_ZERO_ERROR;
    auto* n = new Normalizers;
    n->nfc = icu::Normalizer2::getNFCInstance(error);
    n->nfd = icu::Normalizer2::getNFDInstance(error);
    n->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(error);
    if (U_FAILURE(error)) {
      delete n;
      return static_cast<Normalizers*>(nullptr);
    }
    return n;
  }();
  return kNormalizers;
}

// Marks that write an aspirate (MR ch', k'), an elision or a glottal stop: inside a word they
// are dropped, so Ch'ŏl, Chʼŏl and Ch’ol all fold to chol.
bool IsApostrophe(char32_t c) {
  return c == U'\'' || c == U'\u2019' || c == U'\u2018' || c == U'\u02BC' || c == U'\u02BB' ||
         c == U'`' || c == U'\u00B4';
}

bool IsHyphen(char32_t c) { return c == U'-' || c == U'\u2010' || c == U'\u2011'; }

bool IsMark(char32_t c) {
  const int8_t type = u_charType(static_cast<UChar32>(c));
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

bool IsWordChar(char32_t c) { return u_isalnum(static_cast<UChar32>(c)) || IsMark(c); }

size_t Utf8Length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

// NFKC, case folding, nonspacing marks removed, NFC again (so Hangul stays precomposed); only
// letters and digits are kept.
std::string Fold(std::u32string_view raw) {
  std::u32string kept;
  bool ascii = true;
  for (char32_t c : raw) {
    if (IsApostrophe(c)) continue;
    kept += c;
    if (c >= 0x80) ascii = false;
  }
  std::string out;
  if (ascii) {
    for (char32_t c : kept) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
    }
    return out;
  }
  const Normalizers* n = GetNormalizers();
  if (n == nullptr) return EncodeUtf8(kept);  // ICU data missing: fold nothing
  UErrorCode error = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(kept.data()), static_cast<int32_t>(kept.size()));
  icu::UnicodeString folded = n->nfkc_cf->normalize(text, error);
  icu::UnicodeString decomposed = n->nfd->normalize(folded, error);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) continue;
    stripped.append(c);
  }
  icu::UnicodeString composed = n->nfc->normalize(stripped, error);
  if (U_FAILURE(error)) return EncodeUtf8(kept);
  for (int32_t i = 0; i < composed.length();) {
    const UChar32 c = composed.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) AppendUtf8(static_cast<char32_t>(c), out);
  }
  return out;
}

Result<std::u32string> ToNfc(std::u32string decoded) {
  const Normalizers* n = GetNormalizers();
  if (n == nullptr) return decoded;
  UErrorCode error = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(decoded.data()), static_cast<int32_t>(decoded.size()));
  if (n->nfc->isNormalized(text, error) && U_SUCCESS(error)) return decoded;
  error = U_ZERO_ERROR;
  icu::UnicodeString normal = n->nfc->normalize(text, error);
  if (U_FAILURE(error)) return InternalError("Unicode normalisation failed");
  std::u32string out;
  for (int32_t i = 0; i < normal.length();) {
    const UChar32 c = normal.char32At(i);
    i += U16_LENGTH(c);
    out += static_cast<char32_t>(c);
  }
  return out;
}

}  // namespace

Result<Analysis> Analyze(std::string_view text) {
  ASSIGN_OR_RETURN(std::u32string decoded, DecodeUtf8(text));
  ASSIGN_OR_RETURN(std::u32string chars, ToNfc(std::move(decoded)));
  Analysis analysis;
  analysis.text = EncodeUtf8(chars);

  std::vector<size_t> offset(chars.size() + 1, 0);
  for (size_t i = 0; i < chars.size(); ++i) offset[i + 1] = offset[i] + Utf8Length(chars[i]);

  // What lies between the last token and the next one decides its Link.
  bool seen_other = false, seen_space = false;
  int hyphens = 0;
  auto link = [&]() {
    Link l = Link::kAdjacent;
    if (analysis.tokens.empty() || seen_other || hyphens > 1 || (hyphens == 1 && seen_space)) {
      l = Link::kNone;
    } else if (hyphens == 1) {
      l = Link::kHyphen;
    } else if (seen_space) {
      l = Link::kSpace;
    }
    seen_other = seen_space = false;
    hyphens = 0;
    return l;
  };

  size_t i = 0;
  while (i < chars.size()) {
    const char32_t c = chars[i];
    if (IsCjk(c)) {
      Token token;
      token.link = link();
      token.cjk = true;
      token.begin = offset[i];
      token.end = offset[i + 1];
      if (c >= 0xAC00 && c <= 0xD7A3) {
        // A precomposed Hangul syllable folds to itself (NFKC_Casefold leaves it, NFD then
        // NFC give it back, and its jamo are letters, not marks): no ICU round trip for each
        // character of Korean text.
        AppendUtf8(c, token.term);
        token.hangul = true;
      } else {
        token.term = Fold(std::u32string_view(&chars[i], 1));
        const std::u32string folded = DecodeUtf8Lossy(token.term);
        token.hangul = folded.size() == 1 && folded[0] >= 0xAC00 && folded[0] <= 0xD7A3;
      }
      ++i;
      if (!token.term.empty()) analysis.tokens.push_back(std::move(token));
      continue;
    }
    if (!IsWordChar(c) || IsMark(c)) {
      if (c == U' ' || c == U'\t' || c == U'\u00A0') {
        seen_space = true;
      } else if (IsHyphen(c)) {
        ++hyphens;
      } else {
        seen_other = true;
      }
      ++i;
      continue;
    }
    // A word: letters, digits and marks, with single apostrophes between them.
    size_t j = i;
    while (j < chars.size()) {
      if (IsWordChar(chars[j]) && !IsCjk(chars[j])) {
        ++j;
      } else if (IsApostrophe(chars[j]) && j + 1 < chars.size() && IsWordChar(chars[j + 1]) &&
                 !IsCjk(chars[j + 1]) && !IsMark(chars[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    Token token;
    token.link = link();
    token.begin = offset[i];
    token.end = offset[j];
    token.capitalised = u_isupper(static_cast<UChar32>(c)) || u_istitle(static_cast<UChar32>(c));
    token.term = Fold(std::u32string_view(&chars[i], j - i));
    token.letters_only = true;
    for (size_t k = i; k < j; ++k) {
      if (u_isdigit(static_cast<UChar32>(chars[k]))) token.letters_only = false;
    }
    i = j;
    // Xapian refuses terms over 245 bytes; nobody searches for a word that long.
    if (!token.term.empty() && token.term.size() <= 64) analysis.tokens.push_back(std::move(token));
  }
  return analysis;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace custodian::search::internal
