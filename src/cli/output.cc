// How records and progress look on a terminal.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "cli/cli.h"

namespace custodian::cli {
namespace {

std::string Cut(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return s.substr(0, cut) + "...";
}

// The vocabulary a field's codes come from, for showing labels beside codes.
std::string_view VocabularyOf(model::Kind kind, const std::string& field) {
  if (field == "violation") return "violation_types";
  if (field == "sex") return "sexes";
  if (field == "roles") return "person_roles";
  if (field == "languages") return "languages";
  if (field == "reliability") return "reliability";
  if (field == "status") return "act_statuses";
  if (field == "legal_qualification") return "legal_qualifications";
  if (field == "facility_type") return "facility_types";
  if (field == "agency" || field == "operated_by") return "agencies";
  if (field == "type") {
    switch (kind) {
      case model::Kind::kPlace:
        return "place_types";
      case model::Kind::kSource:
        return "source_types";
      case model::Kind::kDossier:
        return "dossier_types";
      default:
        return "";
    }
  }
  return "";
}

}  // namespace

std::string Summary(const repo::Record& r, const model::Vocabularies& vocab) {
  return r.id + "  " + Cut(repo::Describe(r, vocab), 100);
}

std::string RenderRecord(const repo::Record& r, const model::Vocabularies& vocab) {
  std::ostringstream out;
  out << model::KindName(r.kind) << " " << r.id << "  (version " << r.version << ", ledger entry "
      << r.seq << ", " << r.at << " by " << r.by << ")\n";
  if (!r.reason.empty()) out << "  reason for this version: " << r.reason << "\n";
  if (!r.pseudonym.empty()) out << "  pseudonym: " << r.pseudonym << "\n";
  if (r.erased_by != 0) {
    out << "  identity erased (ledger entry " << r.erased_by << "): its sealed fields are gone\n";
  } else if (r.body.contains("sealed") && r.body["sealed"].is_array()) {
    out << "  sealed (show --reveal --purpose ... with clearance):";
    for (const auto& f : r.body["sealed"]) out << " " << f.get<std::string>();
    out << "\n";
  }
  for (const auto& [field, value] : r.body.items()) {
    if (field == "sealed" && !r.revealed) continue;
    out << "  " << field << ": ";
    std::string_view vocabulary = VocabularyOf(r.kind, field);
    if (value.is_string()) {
      const std::string& s = value.get_ref<const std::string&>();
      if (field == "date" || field == "born") {
        out << repo::DescribeDate(r.body, field) << "  [" << s << "]";
      } else if (!vocabulary.empty()) {
        out << vocab.Label(vocabulary, s) << " [" << s << "]";
      } else if (s.find('\n') != std::string::npos || s.size() > 100) {
        out << "\n";
        std::istringstream lines(s);
        std::string line;
        while (std::getline(lines, line)) out << "    " << line << "\n";
        continue;
      } else {
        out << s;
      }
    } else if (value.is_array() && !vocabulary.empty()) {
      std::string sep;
      for (const auto& v : value) {
        out << sep << vocab.Label(vocabulary, v.is_string() ? v.get<std::string>() : "");
        sep = ", ";
      }
    } else {
      out << value.dump(-1, ' ', false, repo::Json::error_handler_t::replace);
    }
    out << "\n";
  }
  return out.str();
}

ProgressBar::ProgressBar(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\n", stderr);
}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  bool finished = total > 0 && done >= total;
  if (!finished && now - last_draw_us_ < 100000) return;  // 10 redraws a second at most
  last_draw_us_ = now;
  drawn_ = true;
  if (total == 0) {
    std::fprintf(stderr, "\r%s: %llu", label_.c_str(), static_cast<unsigned long long>(done));
  } else {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * std::min(done, total) / total);
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(),
                 static_cast<int>(100 * std::min(done, total) / total));
  }
  std::fflush(stderr);
}

}  // namespace custodian::cli
