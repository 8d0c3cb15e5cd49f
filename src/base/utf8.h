// utf8: UTF-8 <-> code points, for code that works on characters (name matching, Hangul
// syllables) rather than bytes. Decoding is strict per RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF.
#ifndef CUSTODIAN_BASE_UTF8_H_
#define CUSTODIAN_BASE_UTF8_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace custodian {

// The code points of `text`, or InvalidArgument naming the first bad byte's offset (never the
// text itself, which may be a name).
Result<std::u32string> DecodeUtf8(std::string_view text);
// The same, with every invalid byte read as U+FFFD: for text Custodian made itself.
std::u32string DecodeUtf8Lossy(std::string_view text);
// The code point that starts at text[i] (i < text.size()), with its length in bytes; U+FFFD
// and 1 for an invalid byte, as DecodeUtf8Lossy reads it.
char32_t DecodeUtf8At(std::string_view text, size_t i, size_t& length);
void AppendUtf8(char32_t c, std::string& out);
std::string EncodeUtf8(std::u32string_view text);

}  // namespace custodian

#endif  // CUSTODIAN_BASE_UTF8_H_
