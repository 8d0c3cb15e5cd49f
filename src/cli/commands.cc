// The subcommands of `custodian`. Each parses its options, calls one Repository operation,
// and prints the result; errors travel back to main() as a Status.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "base/canonical_json.h"
#include "cli/cli.h"
#include "crypto/crypto.h"

namespace custodian::cli {
namespace {

using repo::Json;
using repo::Repository;

// "field=value": the value is taken as JSON if it parses as an array, object, number, true,
// false or null, else as a string, so `--set lat=41.8 --set title=Hoeryong` both do the
// natural thing. `--set-string` forces a string.
Status ApplySets(const std::vector<std::string>& sets, bool force_string, Json& doc) {
  for (const std::string& set : sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("--set " + set.substr(0, 60) + ": expected field=value");
    }
    std::string field = set.substr(0, eq);
    std::string value = set.substr(eq + 1);
    Json parsed = value;
    if (!force_string && !value.empty()) {
      char c = value.front();
      bool looks_json = c == '[' || c == '{' || c == '-' || (c >= '0' && c <= '9') ||
                        value == "true" || value == "false" || value == "null";
      if (looks_json) {
        Result<Json> json = ParseJson(value);
        if (json.ok()) {
          parsed = *json;
        } else if (c == '[' || c == '{') {
          return json.status().WithContext("--set " + field);
        }
      }
    }
    doc[field] = std::move(parsed);
  }
  return OkStatus();
}

Result<Json> ReadJsonArgument(const std::string& json_text, const std::string& file) {
  std::string text = json_text;
  if (!file.empty()) {
    Result<std::string> content =
        file == "-" ? Result<std::string>(std::string(std::istreambuf_iterator<char>(std::cin), {}))
                    : Env::Default().ReadFile(file);
    if (!content.ok()) return content.status();
    text = std::move(content).value();
  }
  if (text.empty()) return Json::object();
  Result<Json> doc = ParseJson(text, {.max_bytes = 16 << 20, .max_depth = 64});
  if (!doc.ok()) return doc.status().WithContext(file.empty() ? "--doc" : file);
  if (!doc->is_object()) return InvalidArgumentError("the JSON document must be an object");
  return doc;
}

// ---- commands ----

void RegisterInit(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "init",
      "Create a repository in DIR: a new ledger and signing key, a repository key unlocked by a "
      "passphrase ($CUSTODIAN_PASSPHRASE or the prompt) and/or a key file, and the first admin "
      "account (--as NAME; password from $CUSTODIAN_PASSWORD or the prompt)");
  struct Args {
    std::string dir;
    bool bare = false, no_passphrase = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("dir", a->dir, "Directory to create (must not hold a repository)")->required();
  cmd->add_flag("--bare", a->bare,
                "Start empty, without the built-in gazetteer (e.g. to restore "
                "an export)");
  cmd->add_flag("--no-passphrase", a->no_passphrase,
                "Unlock with the key file (--key-file) only. A key file that does not exist "
                "yet is created; keep it away from the repository");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      repo::InitOptions init{.gazetteer = !a->bare, .admin = AccountName(g)};
      if (init.admin.empty()) {
        return InvalidArgumentError("name the first admin account with --as NAME");
      }
      RETURN_IF_ERROR(protect::CheckAccountName(init.admin));
      ASSIGN_OR_RETURN(init.admin_password,
                       Secret("CUSTODIAN_PASSWORD", "new password for " + init.admin, true));
      RETURN_IF_ERROR(protect::CheckPasswordStrength(init.admin_password));
      const std::string key_file = KeyFilePath(g);
      std::string created_key_file;
      if (!key_file.empty()) {
        namespace fs = std::filesystem;
        const std::string repo_path = fs::weakly_canonical(fs::absolute(a->dir)).string() + "/";
        if (fs::weakly_canonical(fs::absolute(key_file)).string().rfind(repo_path, 0) == 0) {
          return InvalidArgumentError(
              "the key file must not be kept inside the repository "
              "it unlocks; put it elsewhere (another disk, a token)");
        }
        if (!Env::Default().FileExists(key_file)) {
          RETURN_IF_ERROR(Env::Default().WriteFileAtomically(
              key_file, protect::NewKeyFileText(Env::Default()), 0600));
          created_key_file = key_file;
        }
        ASSIGN_OR_RETURN(init.unlock, Unlocker(g, false));
      } else if (a->no_passphrase) {
        return InvalidArgumentError("--no-passphrase needs --key-file");
      }
      if (!a->no_passphrase) {
        ASSIGN_OR_RETURN(init.unlock.passphrase,
                         Secret("CUSTODIAN_PASSPHRASE", "new repository passphrase", true));
      }
      Result<std::unique_ptr<Repository>> made = Repository::Init(a->dir, repo::Options{}, init);
      if (!made.ok()) {
        // A key file for a repository that was never made would only confuse.
        if (!created_key_file.empty()) Env::Default().RemoveFile(created_key_file).IgnoreError();
        return made.status();
      }
      if (!created_key_file.empty()) {
        std::cerr << "custodian: created key file " << created_key_file << "\n";
      }
      std::unique_ptr<Repository> repo = std::move(made).value();
      ASSIGN_OR_RETURN(repo::LedgerInfo info, repo->Ledger());
      const std::string* dir = &a->dir;
      if (g.json) {
        PrintJson({{"dir", *dir},
                   {"repository", info.repository_id},
                   {"public_key", info.public_key},
                   {"entries", info.size}});
      } else {
        std::cout << "Created repository " << info.repository_id << " in " << *dir << "\n"
                  << "  ledger: " << info.size << " entries (root "
                  << crypto::HexEncode(info.root).substr(0, 16) << "...)\n"
                  << "  signing key: " << *dir << "/ledger.key (keep it secret; public key "
                  << info.public_key << ")\n"
                  << "  admin account: " << init.admin << "\n"
                  << "  unlocked by: " << (init.unlock.passphrase.empty() ? "" : "the passphrase")
                  << (!init.unlock.passphrase.empty() && !init.unlock.key_file_text.empty() ? " or "
                                                                                            : "")
                  << (init.unlock.key_file_text.empty() ? "" : "the key file " + key_file)
                  << " (nothing else can open the sealed identities: keep a copy safe)\n";
      }
      return OkStatus();
    };
  });
}

void RegisterAdd(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "add", "Create a record from --set flags or a JSON document (see docs/formats/records.md)");
  struct Args {
    std::string kind, json, file;
    std::vector<std::string> sets, set_strings;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("kind", a->kind,
                  "place, organization, person, source, incident, act, post, claim, dossier; "
                  "may be omitted when the JSON document has \"kind\"");
  cmd->add_option("--set", a->sets, "field=value (value parsed as JSON when it looks like it)");
  cmd->add_option("--set-string", a->set_strings, "field=value, value always a string");
  cmd->add_option("--doc", a->json, "The record as a JSON object");
  cmd->add_option("--file", a->file, "Read the JSON object from a file ('-' for stdin)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(Json doc, ReadJsonArgument(a->json, a->file));
      if (!a->kind.empty()) {
        if (doc.contains("kind") && doc["kind"] != a->kind) {
          return InvalidArgumentError("the kind argument and the document's \"kind\" disagree");
        }
        doc["kind"] = a->kind;
      }
      RETURN_IF_ERROR(ApplySets(a->sets, false, doc));
      RETURN_IF_ERROR(ApplySets(a->set_strings, true, doc));
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ASSIGN_OR_RETURN(repo::Record record, repo->Add(doc));
      UpdateSearchIndexAfterWrite(*repo, g);
      if (g.json) {
        PrintJson(record.ToDocument());
      } else {
        std::cout << record.id << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterShow(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("show", "Show a record (its current or a given version)");
  struct Args {
    std::string id;
    int64_t version = 0;
    bool history = false, reveal = false;
    std::string purpose;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("id", a->id, "Record id, e.g. act-7k3m9q2x4v1z")->required();
  cmd->add_option("--version", a->version, "Show this version instead of the current one");
  cmd->add_flag("--history", a->history, "Show every version, oldest first");
  cmd->add_flag("--reveal", a->reveal,
                "Show the sealed identifying fields (needs identity clearance and --purpose; "
                "the access is recorded in the ledger)");
  cmd->add_option("--purpose", a->purpose, "Why you need to see the identity (with --reveal)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      if (!a->reveal && !a->purpose.empty()) {
        return InvalidArgumentError("--purpose goes with --reveal");
      }
      if (a->reveal && a->history) {
        return InvalidArgumentError("--reveal shows one version; give --version N");
      }
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, a->reveal ? Keys::kNeeded : Keys::kIfGiven));
      std::vector<repo::Record> records;
      std::optional<int64_t> version;
      if (a->version > 0) version = a->version;
      if (a->reveal) {
        ASSIGN_OR_RETURN(repo::Record record, repo->Reveal(a->id, a->purpose, version));
        records.push_back(std::move(record));
      } else if (a->history) {
        ASSIGN_OR_RETURN(records, repo->History(a->id));
      } else {
        ASSIGN_OR_RETURN(repo::Record record, repo->Get(a->id, version));
        records.push_back(std::move(record));
      }
      for (const repo::Record& record : records) {
        if (g.json) {
          Json out = {{"record", record.ToDocument()},
                      {"version", record.version},
                      {"ledger_entry", record.seq},
                      {"at", record.at},
                      {"by", record.by},
                      {"reason", record.reason},
                      {"revealed", record.revealed}};
          if (!record.pseudonym.empty()) out["pseudonym"] = record.pseudonym;
          if (record.erased_by) out["erased_by"] = record.erased_by;
          PrintJson(out);
        } else {
          std::cout << RenderRecord(record, repo->vocabularies());
        }
      }
      return OkStatus();
    };
  });
}

void RegisterList(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("list", "List records matching filters");
  struct Args {
    std::string kind, type, violation, place, date, refers_to, after;
    int64_t limit = 50, offset = 0;
    bool count = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--kind", a->kind, "Only records of this kind");
  cmd->add_option("--type", a->type,
                  "Only records classified under this term or a term below it, in the "
                  "vocabulary of --kind if given (place_types, agencies, source_types, ...)");
  cmd->add_option("--violation", a->violation,
                  "Only acts of this violation type or a type below it (e.g. killing)");
  cmd->add_option("--place", a->place, "Only records at this place or anywhere inside it");
  cmd->add_option("--date", a->date,
                  "Only records whose date range overlaps this fuzzy date (e.g. 2009, "
                  "\"spring 2009\", 1990s, \"between 2008 and 2010\")");
  cmd->add_option("--refers-to", a->refers_to, "Only records that reference this id");
  cmd->add_option("--limit", a->limit, "At most this many (default 50; -1 for all)");
  cmd->add_option("--offset", a->offset, "Skip this many first");
  cmd->add_option("--after", a->after,
                  "Only records whose id sorts after this one (the last id of the page "
                  "before: as fast on the thousandth page as on the first)")
      ->excludes("--offset");
  cmd->add_flag("--count", a->count, "Print only how many records match");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      repo::ListQuery query;
      if (!a->kind.empty()) {
        ASSIGN_OR_RETURN(model::Kind kind, model::ParseKind(a->kind));
        query.kind = kind;
      }
      query.type = a->type;
      if (!a->violation.empty()) {
        if (!a->type.empty() || (query.kind && *query.kind != model::Kind::kAct)) {
          return InvalidArgumentError(
              "--violation selects acts; it cannot be combined with "
              "--type or another --kind");
        }
        query.kind = model::Kind::kAct;
        query.type = a->violation;
      }
      query.place = a->place;
      query.date = a->date;
      query.refers_to = a->refers_to;
      query.limit = a->limit;
      query.offset = a->offset;
      query.after = a->after;
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g));
      if (a->count) {
        ASSIGN_OR_RETURN(int64_t n, repo->Count(query));
        std::cout << n << "\n";
        return OkStatus();
      }
      return repo->List(query, [&](const repo::Record& record) {
        if (g.json) {
          Json doc = record.ToDocument();
          if (!record.pseudonym.empty()) doc["pseudonym"] = record.pseudonym;
          std::cout << CanonicalJson(doc) << "\n";
        } else {
          std::cout << Summary(record, repo->vocabularies()) << "\n";
        }
        return true;
      });
    };
  });
}

void RegisterAmend(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "amend", "Record a new version of a record; the old version stays in the ledger");
  struct Args {
    std::string id, json, file, reason;
    std::vector<std::string> sets, set_strings, unsets;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("id", a->id, "Record id")->required();
  cmd->add_option("--set", a->sets, "field=value");
  cmd->add_option("--set-string", a->set_strings, "field=value, value always a string");
  cmd->add_option("--unset", a->unsets, "Remove a field");
  cmd->add_option("--doc", a->json, "Changes as a JSON merge patch (RFC 7386)");
  cmd->add_option("--file", a->file, "Read the merge patch from a file ('-' for stdin)");
  cmd->add_option("--reason", a->reason, "Why the record changes (kept in the ledger)")->required();
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(Json changes, ReadJsonArgument(a->json, a->file));
      RETURN_IF_ERROR(ApplySets(a->sets, false, changes));
      RETURN_IF_ERROR(ApplySets(a->set_strings, true, changes));
      for (const std::string& field : a->unsets) changes[field] = nullptr;
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ASSIGN_OR_RETURN(repo::Record record, repo->Amend(a->id, changes, a->reason));
      UpdateSearchIndexAfterWrite(*repo, g);
      if (g.json) {
        PrintJson({{"record", record.ToDocument()}, {"version", record.version}});
      } else {
        std::cout << record.id << " is now at version " << record.version << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterImport(CLI::App& app, Globals& g, Action& run) {
  auto* cmd =
      app.add_subcommand("import", "Import JSON Lines records; all or nothing unless --skip-bad");
  struct Args {
    std::string file, rejects;
    bool skip_bad = false;
    size_t max_line_bytes = 8 << 20;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("file", a->file, "JSON Lines file ('-' for stdin)")->required();
  cmd->add_flag("--skip-bad", a->skip_bad,
                "Apply the good lines and write the bad ones, with reasons, to --rejects");
  cmd->add_option("--rejects", a->rejects,
                  "Where --skip-bad writes rejected lines (default FILE.rejects.jsonl)");
  cmd->add_option("--max-line-bytes", a->max_line_bytes, "Longest accepted line (default 8 MiB)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      std::ifstream file;
      std::istream* in = &std::cin;
      repo::ImportOptions options;
      options.skip_bad = a->skip_bad;
      options.max_line_bytes = a->max_line_bytes;
      if (a->file != "-") {
        file.open(a->file, std::ios::binary);
        if (!file) return NotFoundError("cannot open " + a->file);
        in = &file;
        options.source_name = a->file;
        struct stat st;
        if (::stat(a->file.c_str(), &st) == 0) options.source_bytes = st.st_size;
      }
      std::ofstream rejects;
      if (a->skip_bad) {
        std::string path = a->rejects.empty() ? (a->file == "-" ? "import.rejects.jsonl"
                                                                : a->file + ".rejects.jsonl")
                                              : a->rejects;
        // Rejected lines are the input as given, identities in the clear: only the owner may
        // read the file.
        RETURN_IF_ERROR(Env::Default().WriteFileAtomically(path, "", 0600));
        rejects.open(path, std::ios::binary | std::ios::trunc);
        if (!rejects) return UnavailableError("cannot write the reject file " + path);
        options.on_reject = [&rejects](uint64_t line, std::string_view text,
                                       const std::string& why) {
          // The original line, so it can be fixed and imported again.
          Json reject = {{"line", line}, {"error", why}, {"text", std::string(text)}};
          rejects << reject.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
        };
      }
      ProgressBar bar("import", ProgressEnabled(g) && options.source_bytes > (1 << 20));
      options.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };
      ASSIGN_OR_RETURN(repo::ImportReport report, repo->Import(*in, options));
      if (report.applied) UpdateSearchIndexAfterWrite(*repo, g);
      for (const repo::LineError& e : report.errors) {
        std::cerr << options.source_name << " line " << e.line << ": " << e.message << "\n";
      }
      if (report.rejected > report.errors.size()) {
        std::cerr << "... and " << report.rejected - report.errors.size() << " more bad lines\n";
      }
      if (g.json) {
        PrintJson({{"lines", report.lines},
                   {"created", report.created},
                   {"unchanged", report.unchanged},
                   {"rejected", report.rejected},
                   {"applied", report.applied}});
      }
      if (!report.applied) {
        return InvalidArgumentError(std::to_string(report.rejected) + " of " +
                                    std::to_string(report.lines) + " lines in " +
                                    options.source_name +
                                    " are bad; nothing was imported (fix them, or use "
                                    "--skip-bad to import the rest)");
      }
      if (!g.json) {
        std::cout << "imported " << report.created << (report.created == 1 ? " record" : " records")
                  << " from " << options.source_name;
        if (report.unchanged) std::cout << " (" << report.unchanged << " already present)";
        if (report.rejected) std::cout << "; rejected " << report.rejected << " lines";
        std::cout << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterExport(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write records' current versions as JSON Lines, as a profile allows: public (for a report: "
      "pseudonyms, consented sources, no transcripts), analyst (pseudonyms, nothing sealed), "
      "disclosure (a dossier and what it rests on, identities revealed), full (everything, "
      "identities revealed: a backup that imports into a new repository)");
  struct Args {
    std::string out_path = "-", profile = "analyst", dossier, purpose;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("-o,--output", a->out_path, "Output file (default: stdout)");
  cmd->add_option("--profile", a->profile, "public, analyst (default), disclosure or full");
  cmd->add_option("--dossier", a->dossier, "The dossier to disclose (disclosure profile)");
  cmd->add_option("--purpose", a->purpose,
                  "Why identities leave the repository (disclosure and full; recorded in the "
                  "ledger)");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      repo::ExportOptions options{.dossier = a->dossier, .purpose = a->purpose};
      ASSIGN_OR_RETURN(options.profile, protect::ParseProfile(a->profile));
      const std::string* out_path = &a->out_path;
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNeeded));
      ProgressBar bar("export", ProgressEnabled(g) && *out_path != "-");
      options.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };
      if (*out_path == "-") return repo->Export(std::cout, options);
      std::string tmp = *out_path + ".partial";
      {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return UnavailableError("cannot write " + tmp);
        RETURN_IF_ERROR(repo->Export(out, options));
        out.flush();
        if (!out) return UnavailableError("cannot write " + tmp);
      }
      if (std::rename(tmp.c_str(), out_path->c_str()) != 0) {
        return UnavailableError("cannot rename " + tmp + " to " + *out_path);
      }
      return OkStatus();
    };
  });
}

void RegisterLog(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("log", "List ledger entries");
  struct Args {
    uint64_t from = 0, limit = 20;
    bool tail = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--from", a->from, "First entry (0-based sequence number)");
  cmd->add_option("--limit", a->limit, "How many entries (default 20)");
  cmd->add_flag("--tail", a->tail, "Show the last --limit entries");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      uint64_t from = a->from;
      if (a->tail) {
        ASSIGN_OR_RETURN(repo::LedgerInfo info, repo->Ledger());
        from = info.size > a->limit ? info.size - a->limit : 0;
      }
      return repo->Log(
          from, a->limit, [&](uint64_t seq, const ledger::Hash& leaf, const Json& entry) {
            if (g.json) {
              std::cout << CanonicalJson({{"seq", seq},
                                          {"leaf_hash", crypto::HexEncode(leaf)},
                                          {"entry", entry}})
                        << "\n";
              return true;
            }
            std::string op = entry.value("op", "?");
            std::cout << seq << "  " << crypto::HexEncode(leaf).substr(0, 12) << "  "
                      << entry.value("at", "") << "  " << entry.value("by", "") << "  " << op;
            if (op == "create" || op == "amend") {
              std::cout << " " << entry.value("id", "") << " v" << entry.value("version", 0);
            }
            if (entry.contains("reason")) {
              std::cout << "  (" << entry.value("reason", "") << ")";
            }
            std::cout << "\n";
            return true;
          });
    };
  });
}

void RegisterRebuild(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "rebuild", "Recreate every projection table from the ledger and compare with the old");
  cmd->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ProgressBar bar("rebuild", ProgressEnabled(g));
      ASSIGN_OR_RETURN(Repository::RebuildReport report,
                       repo->Rebuild([&bar](uint64_t done, uint64_t total) {
                         if (total > 4096) bar.Update(done, total);
                       }));
      if (g.json) {
        PrintJson({{"entries", report.entries},
                   {"before", crypto::HexEncode(report.before)},
                   {"after", crypto::HexEncode(report.after)},
                   {"identical", report.identical()}});
      } else {
        std::cout << "rebuilt the tables from " << report.entries << " ledger entries\n"
                  << "  digest before " << crypto::HexEncode(report.before) << "\n"
                  << "  digest after  " << crypto::HexEncode(report.after) << "\n";
      }
      if (!report.identical()) {
        return DataLossError(
            "the projections differed from the ledger and have been rebuilt from it; "
            "something changed the tables outside Custodian");
      }
      if (!g.json) {
        std::cout << "identical: the tables were already what the ledger says (custodian "
                     "verify checks the ledger itself)\n";
      }
      return OkStatus();
    };
  });
}

void PrintCounts(const std::string& title, const std::vector<std::pair<std::string, int64_t>>& rows,
                 const std::function<std::string(const std::string&)>& label) {
  if (rows.empty()) return;
  std::cout << title << "\n";
  for (const auto& [key, n] : rows) {
    std::string name = key.empty() ? "(none)" : label(key);
    std::cout << "  " << name << std::string(name.size() < 50 ? 50 - name.size() : 1, ' ') << n
              << "\n";
  }
}

void RegisterStats(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("stats", "Counts by kind, violation, year, province, source");
  cmd->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(repo::Stats stats, repo->Statistics());
      auto to_json = [](const std::vector<std::pair<std::string, int64_t>>& rows) {
        Json out = Json::object();
        for (const auto& [k, n] : rows) out[k.empty() ? "(none)" : k] = n;
        return out;
      };
      if (g.json) {
        PrintJson({{"ledger",
                    {{"entries", stats.ledger.size},
                     {"root", crypto::HexEncode(stats.ledger.root)},
                     {"repository", stats.ledger.repository_id}}},
                   {"records", to_json(stats.by_kind)},
                   {"acts_by_violation", to_json(stats.acts_by_violation)},
                   {"acts_by_year", to_json(stats.acts_by_year)},
                   {"acts_by_province", to_json(stats.acts_by_province)},
                   {"sources_by_type", to_json(stats.sources_by_type)},
                   {"linkage", repo::LinkageStatsJson(stats.linkage)}});
        return OkStatus();
      }
      const model::Vocabularies& vocab = repo->vocabularies();
      auto term = [&vocab](std::string_view name) {
        return [&vocab, name](const std::string& code) {
          const model::Vocabulary* v = vocab.Find(name);
          const model::Term* t = v ? v->Find(code) : nullptr;
          return t ? t->label_en : code;
        };
      };
      auto place_name = [&repo](const std::string& id) {
        Result<repo::Record> place = repo->Get(id);
        if (!place.ok() || !place->body.contains("names")) return id;
        return place->body["names"][0].value("text", id);
      };
      std::cout << "Repository " << stats.ledger.repository_id << ": " << stats.ledger.size
                << " ledger entries, root " << crypto::HexEncode(stats.ledger.root) << "\n";
      PrintCounts("Records", stats.by_kind, [](const std::string& k) { return k; });
      PrintCounts("Acts by violation", stats.acts_by_violation, term("violation_types"));
      PrintCounts("Acts by year (first year of each act's date)", stats.acts_by_year,
                  [](const std::string& k) { return k; });
      PrintCounts("Acts by province", stats.acts_by_province, place_name);
      PrintCounts("Sources by type", stats.sources_by_type, term("source_types"));
      const repo::Stats::Linkage& l = stats.linkage;
      std::cout << "\nPersons\n";
      if (l.run == 0 && l.decisions == 0) {
        std::cout << "  " << l.person_records
                  << " person records, not yet linked (custodian link run)\n";
      } else {
        std::cout << "  " << l.person_records << " person records; " << l.clusters
                  << " clusters of the same person hold " << l.linked_records << " of them: about "
                  << l.distinct_persons() << " distinct persons\n"
                  << "  (linkage run of ledger entry " << l.run << ", " << l.decisions
                  << " reviewers' decisions in force)\n";
      }
      return OkStatus();
    };
  });
}

void RegisterVocab(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("vocab", "List the vocabularies, or the terms of one");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "A vocabulary, e.g. violation_types");
  cmd->callback([&g, &run, name] {
    run = [&g, name]() -> Status {
      const model::Vocabularies& vocab = model::Vocabularies::Builtin();
      if (name->empty()) {
        for (const auto& [n, v] : vocab.all()) {
          std::cout << n << " (version " << v.version() << ", " << v.terms().size() << " terms)\n";
        }
        return OkStatus();
      }
      const model::Vocabulary* v = vocab.Find(*name);
      if (v == nullptr) {
        return NotFoundError("no vocabulary '" + name->substr(0, 60) +
                             "'; `custodian vocab` lists them");
      }
      for (const model::Term& t : v->terms()) {
        if (g.json) {
          std::cout << CanonicalJson(t.data) << "\n";
          continue;
        }
        int depth = 0;
        for (const model::Term* p = &t; !p->parent.empty(); p = v->Find(p->parent)) ++depth;
        std::cout << std::string(2 * depth, ' ') << t.code << "  " << t.label_en;
        if (t.data.contains("label") && t.data["label"].contains("ko")) {
          std::cout << " / " << t.data["label"]["ko"].get<std::string>();
        }
        std::cout << "\n";
      }
      return OkStatus();
    };
  });
}

Status WriteText(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return OkStatus();
  }
  return Env::Default().WriteFileAtomically(path, text, 0644);
}

Result<std::string> ReadText(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  return Env::Default().ReadFile(path);
}

void RegisterCheckpoint(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "checkpoint", "Sign the ledger's current state (a C2SP checkpoint), or list checkpoints");
  struct Args {
    bool list = false;
    std::string cosignatures;
  };
  auto a = std::make_shared<Args>();
  cmd->add_flag("--list", a->list, "List the checkpoints kept, with who has cosigned each");
  cmd->add_option("--import-cosignatures", a->cosignatures,
                  "Add witnesses' signatures from a signed note file to its checkpoint");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      if (!a->cosignatures.empty()) {
        ASSIGN_OR_RETURN(std::string text, ReadText(a->cosignatures));
        ASSIGN_OR_RETURN(int added, repo->ImportCosignatures(text));
        std::cout << "added " << added << " witness signature" << (added == 1 ? "" : "s") << "\n";
        return OkStatus();
      }
      if (a->list) {
        ASSIGN_OR_RETURN(auto all, repo->Checkpoints());
        for (const repo::CheckpointInfo& c : all) {
          Result<ledger::SignedNote> note = ledger::SignedNote::Parse(c.note);
          size_t signatures = note.ok() ? note->signatures.size() : 0;
          if (g.json) {
            std::cout << CanonicalJson(
                             {{"id", c.id}, {"size", c.size}, {"at", c.at}, {"note", c.note}})
                      << "\n";
          } else {
            std::cout << "#" << c.id << "  " << c.size << " entries  " << c.at << "  " << signatures
                      << " signature" << (signatures == 1 ? "" : "s") << "\n";
          }
        }
        return OkStatus();
      }
      ASSIGN_OR_RETURN(repo::CheckpointInfo c, repo->Checkpoint());
      std::cout << c.note;
      return OkStatus();
    };
  });
}

void RegisterProve(CLI::App& app, Globals& g, Action& run) {
  auto* cmd =
      app.add_subcommand("prove", "Print a proof that a third party checks with custodian-verify");
  cmd->require_subcommand(1);
  struct Args {
    uint64_t entry = 0;
    int64_t checkpoint = 0, old_id = 0, new_id = 0;
    std::string output = "-";
  };
  auto a = std::make_shared<Args>();
  auto* inclusion = cmd->add_subcommand(
      "inclusion", "Prove that ledger entry ENTRY is in a signed checkpoint (RFC 6962 path)");
  inclusion->add_option("entry", a->entry, "Ledger entry sequence number (see custodian log)")
      ->required();
  inclusion->add_option("--checkpoint", a->checkpoint, "Checkpoint id (default: the newest)");
  inclusion->add_option("-o,--output", a->output, "Write the proof here (default: stdout)");
  auto* consistency = cmd->add_subcommand(
      "consistency", "Prove that checkpoint OLD's ledger is a prefix of checkpoint NEW's");
  consistency->add_option("old", a->old_id, "Older checkpoint id")->required();
  consistency->add_option("new", a->new_id, "Newer checkpoint id")->required();
  consistency->add_option("-o,--output", a->output, "Write the proof here (default: stdout)");
  inclusion->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      std::optional<int64_t> id;
      if (a->checkpoint > 0) id = a->checkpoint;
      ASSIGN_OR_RETURN(ledger::InclusionProofDoc doc, repo->ProveInclusion(a->entry, id));
      return WriteText(a->output, ledger::ToJson(doc).dump(2) + "\n");
    };
  });
  consistency->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(ledger::ConsistencyProofDoc doc,
                       repo->ProveConsistency(a->old_id, a->new_id));
      return WriteText(a->output, ledger::ToJson(doc).dump(2) + "\n");
    };
  });
}

void RegisterVerify(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "verify", "Check the whole ledger, every checkpoint and the projections; exit 5 on tamper");
  struct Args {
    std::string key;
    bool skip_projections = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--key", a->key,
                  "The log's verifier key as published (default: the key in ledger.key)");
  cmd->add_flag("--skip-projections", a->skip_projections,
                "Check the ledger and checkpoints only, not the tables derived from it");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      // The key may be given as its text or as a file holding it, as for custodian-verify.
      std::string key;
      if (!a->key.empty()) {
        ASSIGN_OR_RETURN(ledger::NoteVerifier verifier,
                         ledger::NoteVerifier::FromTextOrFile(Env::Default(), a->key));
        key = verifier.ToString();
      }
      ProgressBar bar("verify", ProgressEnabled(g));
      repo::VerifyOptions options{.progress =
                                      [&bar](uint64_t done, uint64_t total) {
                                        if (total > 8192) bar.Update(done, total);
                                      },
                                  .trusted_key = key,
                                  .projections = !a->skip_projections};
      Result<repo::VerifyReport> report = repo->Verify(options);
      if (!report.ok()) {
        return report.status().code() == StatusCode::kDataLoss
                   ? report.status().WithContext("TAMPERED")
                   : report.status();
      }
      if (g.json) {
        PrintJson({{"entries", report->entries},
                   {"uncovered_entries", report->uncovered},
                   {"nodes", report->nodes},
                   {"checkpoints", report->checkpoints},
                   {"root", crypto::HexEncode(report->root)},
                   {"verifier_key", report->verifier_key},
                   {"projections_checked", report->projections_checked}});
      } else {
        std::cout << "OK: " << report->entries << " entries and " << report->nodes
                  << " tree nodes recomputed; " << report->checkpoints << " signed checkpoint"
                  << (report->checkpoints == 1 ? " matches" : "s match") << "; projections "
                  << (report->projections_checked ? "equal a rebuild" : "not checked") << "\n"
                  << "root " << crypto::HexEncode(report->root) << "\n"
                  << "key  " << report->verifier_key << "\n";
        if (report->uncovered > 0) {
          std::cout << "note: the last " << report->uncovered << " entries are not in a signed "
                    << "checkpoint yet; run custodian checkpoint and publish it\n";
        }
      }
      return OkStatus();
    };
  });
}

void RegisterBundle(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "bundle", "Export the ledger, checkpoints and public key for independent verification");
  auto out_path = std::make_shared<std::string>();
  cmd->add_option("-o,--output", *out_path, "Bundle file to write")->required();
  cmd->callback([&g, &run, out_path] {
    run = [&g, out_path]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ProgressBar bar("bundle", ProgressEnabled(g));
      std::string tmp = *out_path + ".partial";
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) return UnavailableError("cannot write " + tmp);
      Status status = repo->ExportBundle(out, [&bar](uint64_t done, uint64_t total) {
        if (total > 8192) bar.Update(done, total);
      });
      out.close();
      if (!status.ok() || !out) {
        std::remove(tmp.c_str());
        return status.ok() ? UnavailableError("cannot write " + tmp) : status;
      }
      if (std::rename(tmp.c_str(), out_path->c_str()) != 0) {
        return UnavailableError("cannot rename " + tmp + " to " + *out_path);
      }
      ASSIGN_OR_RETURN(std::string key, repo->VerifierKey());
      std::cout << "wrote " << *out_path << "\ncheck it with: custodian-verify bundle " << *out_path
                << " --key " << key << "\n";
      return OkStatus();
    };
  });
}

void RegisterWitness(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand("witness", "Manage parties who cosign checkpoints");
  cmd->require_subcommand(1);
  auto key = std::make_shared<std::string>();
  auto* add = cmd->add_subcommand("add", "Trust signatures by this verifier key");
  add->add_option("verifier_key", *key, "name+keyid+base64 key (custodian-verify keygen)")
      ->required();
  auto* list =
      cmd->add_subcommand("list", "Show witnesses and the tree sizes each has vouched for");
  add->callback([&g, &run, key] {
    run = [&g, key]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      RETURN_IF_ERROR(repo->AddWitness(*key));
      std::cout << "witness added\n";
      return OkStatus();
    };
  });
  list->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(auto witnesses, repo->Witnesses());
      for (const repo::WitnessInfo& w : witnesses) {
        std::cout << w.verifier_key << "\n  vouched for tree sizes:";
        if (w.sizes.empty()) std::cout << " none yet";
        for (uint64_t size : w.sizes) std::cout << " " << size;
        std::cout << "\n";
      }
      return OkStatus();
    };
  });
}

void RegisterKey(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "key", "Print the ledger's verifier key, to publish for courts and partners");
  cmd->callback([&g, &run] {
    run = [&g]() -> Status {
      ASSIGN_OR_RETURN(auto repo, OpenRepo(g, Keys::kNo));
      ASSIGN_OR_RETURN(std::string key, repo->VerifierKey());
      std::cout << key << "\n";
      return OkStatus();
    };
  });
}

}  // namespace

bool ProgressEnabled(const Globals& g) { return !g.quiet && ::isatty(STDERR_FILENO); }

void PrintJson(const Json& value) { std::cout << value.dump(2, ' ', false) << "\n"; }

void RegisterCommands(CLI::App& app, Globals& g, Action& run) {
  app.fallthrough();  // global options may also follow the subcommand
  app.add_option("-C,--repo", g.repo_dir,
                 "Repository directory (default: $CUSTODIAN_REPO, else the current directory)");
  app.add_option("--as", g.account,
                 "The account to act as (default: $CUSTODIAN_ACCOUNT); its password comes from "
                 "$CUSTODIAN_PASSWORD or the prompt. $CUSTODIAN_TOKEN (an API token) signs in "
                 "without either");
  app.add_option("--key-file", g.key_file,
                 "A key file that unlocks the repository key (default: $CUSTODIAN_KEY_FILE); "
                 "otherwise $CUSTODIAN_PASSPHRASE or the prompt");
  app.add_flag("--json", g.json, "Machine-readable JSON output");
  app.add_flag("-q,--quiet", g.quiet, "No progress bars");
  RegisterInit(app, g, run);
  RegisterAdd(app, g, run);
  RegisterShow(app, g, run);
  RegisterList(app, g, run);
  RegisterAmend(app, g, run);
  RegisterImport(app, g, run);
  RegisterExport(app, g, run);
  RegisterLog(app, g, run);
  RegisterRebuild(app, g, run);
  RegisterStats(app, g, run);
  RegisterVocab(app, g, run);
  RegisterCheckpoint(app, g, run);
  RegisterProve(app, g, run);
  RegisterVerify(app, g, run);
  RegisterBundle(app, g, run);
  RegisterWitness(app, g, run);
  RegisterKey(app, g, run);
  RegisterAccessCommands(app, g, run);
  RegisterGenerate(app, g, run);
  RegisterSearch(app, g, run);
  RegisterServe(app, g, run);
  RegisterLink(app, g, run);
}

}  // namespace custodian::cli
