// UTF-8 decoding and encoding (RFC 3629).
#include "base/utf8.h"

namespace custodian {
namespace {

// Decodes the sequence at text[i]: its code point and length, or false if it is not UTF-8
// (a bad lead or continuation byte, a sequence cut short, an overlong form, a UTF-16
// surrogate, or a value past U+10FFFF).
bool DecodeAt(std::string_view text, size_t i, char32_t& c, size_t& length) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  char32_t min = 0;
  if (b0 < 0x80) {
    c = b0, length = 1;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    length = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (i + length > text.size()) return false;
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    c = (c << 6) | (b & 0x3F);
  }
  return c >= min && !(c >= 0xD800 && c <= 0xDFFF) && c <= 0x10FFFF;
}

}  // namespace

Result<std::u32string> DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0, length = 0; i < text.size(); i += length) {
    char32_t c = 0;
    if (!DecodeAt(text, i, c, length)) {
      return InvalidArgumentError("invalid UTF-8 at byte " + std::to_string(i));
    }
    out += c;
  }
  return out;
}

std::u32string DecodeUtf8Lossy(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0, length = 0; i < text.size(); i += length) out += DecodeUtf8At(text, i, length);
  return out;
}

char32_t DecodeUtf8At(std::string_view text, size_t i, size_t& length) {
  char32_t c = 0;
  if (!DecodeAt(text, i, c, length)) c = U'\uFFFD', length = 1;
  return c;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) AppendUtf8(c, out);
  return out;
}

}  // namespace custodian
