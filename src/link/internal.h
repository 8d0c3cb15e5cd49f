// Private to src/link: helpers shared by its source files.
#ifndef CUSTODIAN_LINK_INTERNAL_H_
#define CUSTODIAN_LINK_INTERNAL_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace custodian::link::internal {

// Letters of `text` folded for comparison: NFKC, case folded, combining marks removed (so
// ŏ -> o), Hangul syllables kept. Every run of other characters (spaces, hyphens, commas,
// digits, apostrophes) becomes one ' ' when `keep_breaks` is set, and nothing otherwise;
// apostrophes and similar marks never break a word ("Ch'ŏl" -> "chol"). No leading or trailing
// break. InvalidArgument for bad UTF-8.
Result<std::u32string> FoldLetters(std::string_view text, bool keep_breaks);

inline bool IsHangulSyllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }

}  // namespace custodian::link::internal

#endif  // CUSTODIAN_LINK_INTERNAL_H_
