// custodian link: record linkage of persons, with reviewers in the loop (docs/user-guide.md,
// "Linking persons"; the model is docs/formats/linkage.md).
#include <fstream>
#include <iomanip>
#include <iostream>

#include "base/canonical_json.h"
#include "cli/cli.h"

namespace custodian::cli {
namespace {

using repo::Json;

// "given_name 3/3 +6.1  surname 2/2 +2.0  birth_date 0/4 -3.2": the level each field reached
// out of its levels (the highest is exact agreement) and what it added to the score, in bits.
std::string RenderExplanation(const Json& explanation) {
  std::ostringstream out;
  out << std::showpos << std::fixed << std::setprecision(1);
  for (const Json& part : explanation.value("fields", Json::array())) {
    out << "  " << part.value("field", "?") << " " << std::noshowpos << part.value("level", 0)
        << "/" << (part.value("levels", 1) - 1) << " " << std::showpos << part.value("weight", 0.0);
  }
  return out.str().empty() ? "" : out.str().substr(2);
}

void PrintPair(repo::Repository& repo, const repo::LinkPair& p) {
  std::cout << std::fixed << std::setprecision(3) << p.probability << "  " << p.a << "  " << p.b;
  if (!p.decision.empty()) std::cout << "  [decided: " << p.decision << "]";
  std::cout << "\n";
  for (const std::string& id : {p.a, p.b}) {
    Result<repo::Record> record = repo.Get(id);
    std::cout << "    " << (record.ok() ? Summary(*record, repo.vocabularies()) : id) << "\n";
  }
  std::cout << "    " << RenderExplanation(p.explanation) << "\n";
}

void RegisterRun(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand(
      "run",
      "Score pairs of persons on their sealed names, dates and places, and cluster them "
      "(needs identity clearance and --purpose; recorded)");
  struct Args {
    std::string purpose;
    bool retrain = false;
    int threads = 2;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--purpose", a->purpose, "Why the names of every person are compared")
      ->required();
  cmd->add_flag("--retrain", a->retrain,
                "Fit a new model (EM, no labels) even when one is recorded");
  cmd->add_option("--threads", a->threads, "Threads (default 2)")->check(CLI::Range(1, 64));
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ProgressBar bar("reading persons", ProgressEnabled(g));
      ASSIGN_OR_RETURN(repo::LinkRunReport report,
                       repo->LinkPersons({.purpose = a->purpose,
                                          .retrain = a->retrain,
                                          .threads = a->threads,
                                          .progress = [&bar](uint64_t done, uint64_t total) {
                                            if (total > 4096) bar.Update(done, total);
                                          }}));
      if (g.json) {
        PrintJson(repo::LinkRunJson(report));
        return OkStatus();
      }
      if (report.unnamed > 0) {
        std::cerr << "custodian: note: " << report.unnamed << " of " << report.persons
                  << " persons have no name in Hangul or Latin letters to compare (a pseudonym "
                     "or Hanja only, or erased); they are linked on the other fields alone\n";
      }
      if (report.candidate_pairs == 0) {
        std::cout << "compared " << report.persons
                  << " persons: no pair shares enough to be compared; nothing to link\n";
        return OkStatus();
      }
      std::cout << "compared " << report.persons << " persons: " << report.candidate_pairs
                << " candidate pairs, " << report.kept_pairs
                << " kept (probability >= " << repo::kLinkKeepProbability << ")\n"
                << report.clusters << " clusters hold " << report.linked_persons
                << " records: about " << report.persons - report.linked_persons + report.clusters
                << " distinct persons\n"
                << (report.model_outdated ? "model fitted now (the recorded one is from an "
                                            "earlier version of the engine)"
                    : report.trained      ? "model fitted now"
                                          : "model recorded earlier")
                << " (ledger entry " << report.model_seq << ", " << report.iterations
                << " EM iterations" << (report.converged ? "" : ", not converged") << ")\n"
                << "recorded as ledger entries " << report.first_seq << "-"
                << report.first_seq + report.entries - 1
                << "; review the uncertain pairs with `custodian link review`\n";
      return OkStatus();
    };
  });
}

void RegisterReview(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand(
      "review",
      "The review queue: pairs without a decision, the most uncertain first; or, with "
      "--record, every scored pair of one person, the most probable first");
  struct Args {
    std::string record;
    double min = repo::kLinkKeepProbability, max = 1;
    int64_t page = 1, per_page = 10;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--record", a->record, "Pairs of this person");
  cmd->add_option("--min", a->min, "Lowest probability shown")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max", a->max, "Highest probability shown")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--page", a->page, "Page (default 1)")->check(CLI::PositiveNumber);
  cmd->add_option("--per-page", a->per_page, "Pairs per page (default 10, at most 1000)")
      ->check(CLI::Range(1, 1000));
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      const bool queue = a->record.empty();
      int64_t total = 0;
      ASSIGN_OR_RETURN(std::vector<repo::LinkPair> pairs,
                       repo->LinkPairs({.record = a->record,
                                        .undecided_only = queue,
                                        .min_probability = a->min,
                                        .max_probability = a->max,
                                        .by_uncertainty = queue,
                                        .limit = a->per_page,
                                        .offset = (a->page - 1) * a->per_page},
                                       &total));
      if (g.json) {
        Json list = Json::array();
        for (const repo::LinkPair& p : pairs) list.push_back(repo::LinkPairJson(p));
        PrintJson({{"total", total}, {"pairs", std::move(list)}});
        return OkStatus();
      }
      std::cout << total << (queue ? " pairs to review" : " scored pairs") << "\n";
      for (const repo::LinkPair& p : pairs) {
        std::cout << "\n";
        PrintPair(*repo, p);
      }
      if (queue && !pairs.empty()) {
        std::cout << "\ndecide with `custodian link decide A B --same|--different --reason "
                     "\"...\"`\n";
      }
      return OkStatus();
    };
  });
}

void RegisterDecide(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand(
      "decide", "Record that two persons are the same person (--same) or not (--different)");
  struct Args {
    std::string a, b, reason;
    bool same = false, different = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("first", a->a, "A person record id")->required();
  cmd->add_option("second", a->b, "Another person record id")->required();
  auto* same = cmd->add_flag("--same", a->same, "They are the same person");
  auto* different = cmd->add_flag("--different", a->different, "They are different persons");
  same->excludes(different);
  cmd->add_option("--reason", a->reason, "Why (recorded in the ledger)")->required();
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      if (!a->same && !a->different) {
        return InvalidArgumentError("say --same or --different");
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      ASSIGN_OR_RETURN(uint64_t seq, repo->DecideLink(a->a, a->b, a->same, a->reason));
      if (g.json) {
        PrintJson({{"seq", seq}});
      } else {
        std::cout << "recorded as ledger entry " << seq << " (undo with `custodian link revoke "
                  << seq << " --reason \"...\"`)\n";
      }
      return OkStatus();
    };
  });
}

void RegisterRevoke(CLI::App& link, Globals& g, Action& run) {
  auto* cmd =
      link.add_subcommand("revoke", "Withdraw a decision (it stays in the ledger, marked revoked)");
  struct Args {
    uint64_t seq = 0;
    std::string reason;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("decision", a->seq, "The decision's ledger entry")->required();
  cmd->add_option("--reason", a->reason, "Why (recorded in the ledger)")->required();
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      ASSIGN_OR_RETURN(uint64_t seq, repo->RevokeLinkDecision(a->seq, a->reason));
      if (g.json) {
        PrintJson({{"seq", seq}});
      } else {
        std::cout << "decision " << a->seq << " revoked by ledger entry " << seq << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterDecisions(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand("decisions", "Reviewers' decisions, in ledger order");
  struct Args {
    std::string record;
    bool all = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--record", a->record, "Decisions about this person");
  cmd->add_flag("--all", a->all, "Include revoked decisions");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      ASSIGN_OR_RETURN(std::vector<repo::LinkDecision> decisions,
                       repo->LinkDecisions(a->record, !a->all));
      if (g.json) {
        Json list = Json::array();
        for (const repo::LinkDecision& d : decisions) list.push_back(repo::LinkDecisionJson(d));
        PrintJson(list);
        return OkStatus();
      }
      for (const repo::LinkDecision& d : decisions) {
        std::cout << d.seq << "  " << d.at << "  " << d.account << "  " << d.a << " "
                  << (d.decision == "same" ? "=" : "≠") << " " << d.b << "  " << d.reason;
        if (d.revoked_by != 0) std::cout << "  (revoked by " << d.revoked_by << ")";
        std::cout << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterClusters(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand(
      "clusters",
      "Persons recorded more than once, as the latest run and the decisions since made them; "
      "-o writes them all as JSON Lines");
  struct Args {
    std::string record, out;
    int64_t min_size = 2, page = 1, per_page = 20;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--record", a->record, "The cluster holding this person");
  cmd->add_option("--min-size", a->min_size, "Only clusters of at least this many records")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--page", a->page, "Page (default 1)")->check(CLI::PositiveNumber);
  cmd->add_option("--per-page", a->per_page, "Clusters per page (default 20, at most 1000)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("-o,--output", a->out, "Write every cluster to this file, one JSON per line");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      if (!a->out.empty()) {
        const std::string partial = a->out + ".partial";
        std::ofstream file(partial, std::ios::binary | std::ios::trunc);
        if (!file) return UnavailableError("cannot write " + partial);
        int64_t written = 0;
        for (int64_t offset = 0;; offset += 1000) {
          ASSIGN_OR_RETURN(std::vector<repo::LinkCluster> page,
                           repo->LinkClusters(a->record, a->min_size, 1000, offset));
          for (const repo::LinkCluster& c : page)
            file << CanonicalJson(repo::LinkClusterJson(c)) << "\n";
          written += static_cast<int64_t>(page.size());
          if (page.size() < 1000) break;
        }
        file.close();
        if (!file) return UnavailableError("cannot write " + partial);
        if (std::rename(partial.c_str(), a->out.c_str()) != 0) {
          return UnavailableError("cannot rename " + partial + " to " + a->out);
        }
        std::cerr << "wrote " << written << " clusters to " << a->out << "\n";
        return OkStatus();
      }
      int64_t total = 0;
      ASSIGN_OR_RETURN(std::vector<repo::LinkCluster> clusters,
                       repo->LinkClusters(a->record, a->min_size, a->per_page,
                                          (a->page - 1) * a->per_page, &total));
      if (g.json) {
        Json list = Json::array();
        for (const repo::LinkCluster& c : clusters) list.push_back(repo::LinkClusterJson(c));
        PrintJson({{"total", total}, {"clusters", std::move(list)}});
        return OkStatus();
      }
      std::cout << total << (total == 1 ? " cluster" : " clusters") << "\n";
      for (const repo::LinkCluster& c : clusters) {
        std::cout << "\n" << c.id << "  (" << c.records.size() << " records";
        if (!c.decisions.empty()) std::cout << ", " << c.decisions.size() << " decided";
        std::cout << ")\n";
        for (const std::string& id : c.records) {
          Result<repo::Record> record = repo->Get(id);
          std::cout << "  " << (record.ok() ? Summary(*record, repo->vocabularies()) : id) << "\n";
        }
      }
      return OkStatus();
    };
  });
}

void RegisterModel(CLI::App& link, Globals& g, Action& run) {
  auto* cmd = link.add_subcommand(
      "model", "The recorded Fellegi-Sunter model: per field, P(level | same) and P(level | not)");
  cmd->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      ASSIGN_OR_RETURN(Json model, repo->LinkModel());
      if (g.json) {
        PrintJson(model);
        return OkStatus();
      }
      if (model.is_null()) {
        std::cout << "no model yet: `custodian link run --purpose \"...\"` fits one\n";
        return OkStatus();
      }
      std::cout << "model of ledger entry " << model.value("seq", 0) << " ("
                << model.value("at", "") << ", " << model.value("persons", 0) << " persons, "
                << model.value("iterations", 0) << " EM iterations"
                << (model.value("converged", false) ? "" : ", not converged") << "), prior "
                << model.value("prior", 0.0) << "\n";
      std::cout << std::fixed << std::setprecision(4);
      const Json fields = model.value("fields", Json::object());
      for (const auto& [field, mu] : fields.items()) {
        std::cout << "  " << std::left << std::setw(14) << field << std::right;
        const Json& m = mu["m"];
        const Json& u = mu["u"];
        for (size_t l = 0; l < m.size(); ++l) {
          std::cout << "  " << l << ": m " << m[l].get<double>() << " u " << u[l].get<double>();
        }
        std::cout << "\n";
      }
      for (const auto& [field, near] : model.value("u_same_province", Json::object()).items()) {
        if (!near.is_array()) continue;
        std::cout << "  " << field << ", u among people of one province:";
        for (size_t l = 0; l < near.size(); ++l) {
          std::cout << "  " << l << ": " << near[l].get<double>();
        }
        std::cout << "\n";
      }
      return OkStatus();
    };
  });
}

}  // namespace

void RegisterLink(CLI::App& app, Globals& g, Action& run) {
  auto* link = app.add_subcommand(
      "link", "Record linkage: find the persons recorded more than once, and review the pairs");
  link->require_subcommand(1);
  RegisterRun(*link, g, run);
  RegisterReview(*link, g, run);
  RegisterDecide(*link, g, run);
  RegisterRevoke(*link, g, run);
  RegisterDecisions(*link, g, run);
  RegisterClusters(*link, g, run);
  RegisterModel(*link, g, run);
}

}  // namespace custodian::cli
