// custodian search: full-text search with facets (docs/user-guide.md, "Searching").
#include <unistd.h>

#include <iomanip>
#include <iostream>

#include "base/canonical_json.h"
#include "cli/cli.h"

namespace custodian::cli {
namespace {

using repo::Json;

// Snippets come as HTML (escaped text, matches in <b>): bold on a terminal, **x** otherwise.
std::string RenderSnippet(std::string_view html, bool terminal) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    auto starts = [&](std::string_view s) { return html.substr(i).starts_with(s); };
    if (starts("<b>")) {
      out += terminal ? "\x1b[1m" : "**";
      i += 3;
    } else if (starts("</b>")) {
      out += terminal ? "\x1b[0m" : "**";
      i += 4;
    } else if (starts("&lt;")) {
      out += '<';
      i += 4;
    } else if (starts("&gt;")) {
      out += '>';
      i += 4;
    } else if (starts("&quot;")) {
      out += '"';
      i += 6;
    } else if (starts("&#39;")) {
      out += '\'';
      i += 5;
    } else if (starts("&amp;")) {
      out += '&';
      i += 5;
    } else {
      out += html[i++];
    }
  }
  return out;
}

Json FacetsJson(const search::Results& results) {
  Json out = Json::object();
  for (size_t f = 0; f < search::kFacetCount; ++f) {
    Json counts = Json::array();
    for (const search::FacetCount& c : results.facets[f]) {
      counts.push_back({{"value", c.value}, {"count", c.count}});
    }
    out[std::string(search::FacetName(static_cast<search::Facet>(f)))] = std::move(counts);
  }
  return out;
}

// Brings the index up to the ledger with a progress bar (a first search after a rebuild or an
// erasure reindexes everything, which takes a while on a large repository).
Result<uint64_t> UpdateWithProgress(repo::Repository& repo, const Globals& g) {
  ProgressBar bar("indexing", ProgressEnabled(g));
  return repo.UpdateSearchIndex([&bar](uint64_t done, uint64_t total) {
    if (total > 4096) bar.Update(done, total);
  });
}

}  // namespace

void UpdateSearchIndexAfterWrite(repo::Repository& repo, const Globals& g) {
  Result<uint64_t> updated = UpdateWithProgress(repo, g);
  if (!updated.ok()) {
    std::cerr << "custodian: warning: the change is saved, but the search index is not up to "
                 "date ("
              << updated.status().message()
              << "); the next search or write with the repository unlocked catches up\n";
  }
}

void RegisterSearch(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "search",
      "Full-text search in Korean, English and Chinese, with names across scripts and facets");
  struct Args {
    std::string query, from, to, purpose;
    std::vector<std::string> kinds, violations, places, units, source_types, grades;
    size_t page = 1, per_page = 10;
    bool identities = false, facets = false, exact = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("query", a->query,
                  "Words (all must match), \"a phrase\", AND, OR, NOT, ( ); a Korean name in any "
                  "script or romanization; may be omitted when a filter is given");
  cmd->add_option("--kind", a->kinds, "Only records of this kind (repeatable)");
  cmd->add_option("--violation", a->violations,
                  "Only acts of this violation type or one below it (repeatable)");
  cmd->add_option("--place", a->places, "Only records at this place or inside it (repeatable)");
  cmd->add_option("--unit", a->units,
                  "Only acts by this organization or one of its units (repeatable)");
  cmd->add_option("--source-type", a->source_types, "Only sources of this type (repeatable)");
  cmd->add_option("--grade", a->grades, "Only sources of this reliability grade, A-F (repeatable)");
  cmd->add_option("--from", a->from, "Only records dated on or after this fuzzy date");
  cmd->add_option("--to", a->to, "Only records dated on or before this fuzzy date");
  cmd->add_option("--page", a->page, "Page of results (default 1)")->check(CLI::PositiveNumber);
  cmd->add_option("--per-page", a->per_page, "Results per page (default 10, at most 1000)")
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--facets", a->facets, "Also print counts by kind, violation, place, ...");
  cmd->add_flag("--exact-count", a->exact,
                "Count every match exactly (slower); otherwise counts over a few thousand "
                "matches are estimates, shown as \"about\"");
  cmd->add_flag("--identities", a->identities,
                "Also match sealed names (needs identity clearance and --purpose; recorded)");
  cmd->add_option("--purpose", a->purpose, "Why you search for identities (with --identities)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      repo::SearchRequest request;
      request.text = a->query;
      auto filter = [&](search::Facet facet, const std::vector<std::string>& values) {
        if (!values.empty()) request.filters[facet] = values;
      };
      filter(search::Facet::kKind, a->kinds);
      filter(search::Facet::kViolationType, a->violations);
      filter(search::Facet::kPlace, a->places);
      filter(search::Facet::kUnit, a->units);
      filter(search::Facet::kSourceType, a->source_types);
      filter(search::Facet::kGrade, a->grades);
      request.from = a->from;
      request.to = a->to;
      request.limit = a->per_page;
      request.offset = (a->page - 1) * a->per_page;
      request.identities = a->identities;
      request.purpose = a->purpose;
      request.exact_count = a->exact;
      if (!a->identities && !a->purpose.empty()) {
        return InvalidArgumentError("--purpose goes with --identities");
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, a->identities ? Keys::kNeeded : Keys::kIfGiven));
      // Search would catch up too, but silently; a locked repository is reported below.
      if (repo->unlocked()) UpdateWithProgress(*repo, g).status().IgnoreError();
      ASSIGN_OR_RETURN(repo::SearchReport report, repo->Search(request));
      const search::Results& results = report.results;
      if (report.behind > 0) {
        std::cerr << "custodian: warning: the search index is " << report.behind
                  << " ledger entries behind (unlock the repository to bring it up to date)\n";
      }
      if (g.json) {
        Json hits = Json::array();
        for (const search::Hit& hit : results.hits) {
          Json snippets = Json::array();
          for (const search::Snippet& s : hit.snippets) {
            snippets.push_back({{"field", s.field}, {"html", s.html}});
          }
          hits.push_back({{"id", hit.id},
                          {"kind", hit.kind},
                          {"score", hit.score},
                          {"snippets", std::move(snippets)}});
        }
        Json out = {{"total", results.total},
                    {"total_exact", results.total_exact},
                    {"offset", request.offset},
                    {"hits", std::move(hits)},
                    {"behind", report.behind}};
        if (a->facets) {
          out["facets"] = FacetsJson(results);
          out["facets_exact"] = results.facets_exact;
        }
        PrintJson(out);
        return OkStatus();
      }
      const bool terminal = isatty(STDOUT_FILENO) == 1;
      const size_t first = request.offset + 1;
      const size_t last = request.offset + results.hits.size();
      if (!results.total_exact) std::cout << "about ";
      std::cout << results.total << (results.total == 1 ? " record" : " records");
      if (!results.hits.empty()) std::cout << " (" << first << "-" << last << " shown)";
      std::cout << "\n";
      for (const search::Hit& hit : results.hits) {
        Result<repo::Record> record = repo->Get(hit.id);
        std::cout << "\n"
                  << (record.ok() ? Summary(*record, repo->vocabularies()) : hit.id) << "\n";
        for (const search::Snippet& s : hit.snippets) {
          std::cout << "  " << s.field << ": " << RenderSnippet(s.html, terminal) << "\n";
        }
      }
      if (a->facets) {
        for (size_t f = 0; f < search::kFacetCount; ++f) {
          const auto& counts = results.facets[f];
          if (counts.empty()) continue;
          const auto facet = static_cast<search::Facet>(f);
          std::cout << "\n"
                    << search::FacetName(facet) << (results.facets_exact ? "" : " (estimated)")
                    << "\n";
          for (size_t i = 0; i < counts.size() && i < 15; ++i) {
            std::string label = repo::DescribeFacetValue(*repo, facet, counts[i].value);
            if (label != counts[i].value) label += " (" + counts[i].value + ")";
            std::cout << "  " << std::setw(6) << counts[i].count << "  " << label << "\n";
          }
        }
      }
      return OkStatus();
    };
  });
}

}  // namespace custodian::cli
