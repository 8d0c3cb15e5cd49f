// Highlighted snippets of stored text (query.h). The text is analysed exactly as it was for
// the index, so what is highlighted is what matched: a folded word (Ch'ŏl for "chol"), a Hangul
// run inside a longer word, a name mention for a name query in another script, a place in
// another spelling. Xapian's MSet::snippet tokenises without our folding and keys, so it could
// highlight none of these.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "search/internal.h"
#include "search/query.h"

namespace custodian::search::internal {
namespace {

struct Span {
  size_t begin, end;  // bytes
};

void Mark(std::vector<bool>& hit, size_t first, size_t last) {
  for (size_t k = first; k <= last && k < hit.size(); ++k) hit[k] = true;
}

std::vector<bool> Matches(const Analysis& a, const ParsedQuery& q) {
  const std::vector<Token>& t = a.tokens;
  std::vector<bool> hit(t.size(), false);
  std::map<std::string, std::vector<const std::vector<std::string>*>> by_first;
  for (const std::vector<std::string>& s : q.sequences) by_first[s.front()].push_back(&s);
  for (size_t i = 0; i < t.size(); ++i) {
    auto it = by_first.find(t[i].term);
    if (it == by_first.end()) continue;
    for (const std::vector<std::string>* s : it->second) {
      if (i + s->size() > t.size()) continue;
      bool all = true;
      for (size_t k = 0; k < s->size() && all; ++k) all = t[i + k].term == (*s)[k];
      if (all) Mark(hit, i, i + s->size() - 1);
    }
  }
  // Hyphenated words against a query word typed without the hyphen, and syllable keys.
  for (size_t i = 0; i < t.size();) {
    size_t j = i + 1;
    const bool cjk = t[i].cjk;
    if (cjk) {
      while (j < t.size() && t[j].cjk && t[j].link == Link::kAdjacent) ++j;
    } else {
      while (j < t.size() && !t[j].cjk && t[j].link == Link::kHyphen) ++j;
    }
    std::string joined;
    for (size_t k = i; k < j; ++k) joined += t[k].term;
    if (!cjk && j - i > 1 && q.sequences.count({joined}) > 0) Mark(hit, i, j - 1);
    if (!q.syllable_keys.empty()) {
      if (!cjk && joined.size() >= 4 && q.syllable_keys.count(SyllableKey(joined)) > 0) {
        Mark(hit, i, j - 1);
      } else if (cjk && t[i].hangul) {
        for (size_t n : KeyedRunLengths(t, i, j)) {
          std::string prefix;
          for (size_t k = i; k < i + n; ++k) prefix += t[k].term;
          if (q.syllable_keys.count(SyllableKey(prefix)) > 0) {
            Mark(hit, i, i + n - 1);
            break;
          }
        }
      }
    }
    i = j;
  }
  if (!q.name_keys.empty()) {
    for (const NameMention& m : FindNames(a)) {
      if (q.name_keys.count(m.key) > 0) Mark(hit, m.first, m.last);
    }
  }
  return hit;
}

// Escaped text with line breaks shown as spaces.
std::string Plain(std::string_view text) {
  std::string out = EscapeHtml(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

std::string MakeSnippet(std::string_view text, const ParsedQuery& query, size_t max_bytes,
                        bool or_start) {
  auto analysed = Analyze(text);
  if (!analysed.ok()) return "";
  const Analysis& a = *analysed;
  const std::vector<Token>& t = a.tokens;
  const std::vector<bool> hit = Matches(a, query);

  std::vector<Span> spans;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!hit[i]) continue;
    if (!spans.empty() && i > 0 && hit[i - 1] && t[i].link != Link::kNone) {
      spans.back().end = t[i].end;
    } else {
      spans.push_back({t[i].begin, t[i].end});
    }
  }
  if (spans.empty() && !or_start) return "";

  // The window with the most matches, starting a little before one of them.
  size_t best_start = 0, best_count = 0;
  for (const Span& anchor : spans) {
    size_t start = anchor.begin > max_bytes / 4 ? anchor.begin - max_bytes / 4 : 0;
    if (start > 0) {  // at a token, so no character is cut
      size_t k = 0;
      while (k < t.size() && t[k].begin < start) ++k;
      start = std::min(k < t.size() ? t[k].begin : anchor.begin, anchor.begin);
    }
    size_t count = 0;
    for (const Span& s : spans) count += s.begin >= start && s.end <= start + max_bytes;
    if (count > best_count) best_count = count, best_start = start;
  }
  size_t end = a.text.size();
  if (best_start + max_bytes < end) {
    end = best_start;
    for (const Token& token : t) {
      if (token.begin >= best_start && token.end <= best_start + max_bytes) end = token.end;
    }
    for (const Span& s : spans) {  // never cut a highlighted match in two
      if (s.begin < end && s.end > end) end = s.end;
    }
  }

  std::string out = best_start > 0 ? "…" : "";
  size_t at = best_start;
  for (const Span& s : spans) {
    if (s.begin < best_start || s.end > end) continue;
    out += Plain(std::string_view(a.text).substr(at, s.begin - at));
    out += "<b>" + Plain(std::string_view(a.text).substr(s.begin, s.end - s.begin)) + "</b>";
    at = s.end;
  }
  out += Plain(std::string_view(a.text).substr(at, end - at));
  if (end < a.text.size()) out += "…";
  return out;
}

}  // namespace custodian::search::internal
