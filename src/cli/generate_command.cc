// `custodian generate`: writes a synthetic corpus and its ground truth (src/synth/synth.h,
// docs/formats/corpus.md). It opens no repository: the corpus is a file to import, inspect or
// benchmark with.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "synth/synth.h"

namespace custodian::cli {
namespace {

// "corpus.jsonl" -> "corpus.truth.jsonl"; any other name gets ".truth.jsonl" appended.
std::string DefaultTruthPath(const std::string& out) {
  constexpr std::string_view kSuffix = ".jsonl";
  if (out.size() > kSuffix.size() && std::string_view(out).ends_with(kSuffix)) {
    return out.substr(0, out.size() - kSuffix.size()) + ".truth.jsonl";
  }
  return out + ".truth.jsonl";
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

// A file written as PATH.partial and renamed when complete, so that an interrupted run never
// leaves a truncated corpus under the real name.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {}
  ~PartialFile() {
    if (!done_) std::remove(partial_.c_str());
  }
  Status Open() {
    stream_.open(partial_, std::ios::binary | std::ios::trunc);
    if (!stream_) {
      return UnavailableError("cannot write " + partial_ + ": " + std::strerror(errno) +
                              " (does the directory exist, and may you write there?)");
    }
    return OkStatus();
  }
  std::ostream& stream() { return stream_; }
  Status Commit() {
    stream_.close();
    if (!stream_) return UnavailableError("cannot write " + partial_);
    if (std::rename(partial_.c_str(), path_.c_str()) != 0) {
      return UnavailableError("cannot rename " + partial_ + " to " + path_ + ": " +
                              std::strerror(errno));
    }
    done_ = true;
    return OkStatus();
  }

 private:
  std::string path_, partial_;
  std::ofstream stream_;
  bool done_ = false;
};

Result<std::vector<synth::DocumentationSource>> LoadSources(const std::string& path) {
  if (path.empty()) return synth::DefaultSources();
  Result<std::string> text = Env::Default().ReadFile(path);
  if (!text.ok()) return text.status();
  Result<std::vector<synth::DocumentationSource>> sources = synth::ParseSources(*text);
  if (!sources.ok()) return sources.status().WithContext(path);
  return sources;
}

}  // namespace

void RegisterGenerate(CLI::App& app, Globals& g, Action& run) {
  auto* cmd = app.add_subcommand(
      "generate",
      "Write a synthetic corpus (JSON Lines for import) and its ground truth; see "
      "docs/formats/corpus.md");
  struct Args {
    uint64_t persons = 0;
    uint64_t seed = 1;
    std::string out, truth, sources;
    bool print_sources = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--persons", a->persons,
                  "Size of the true victim population, 1 to 1,000,000 (each documentation source "
                  "records a subset)");
  cmd->add_option("--seed", a->seed, "Random seed (default 1): the same seed gives the same bytes");
  cmd->add_option("-o,--out", a->out, "Corpus file (JSON Lines); '-' for stdout");
  cmd->add_option("--truth", a->truth,
                  "Ground-truth file (default: the corpus name with .truth.jsonl)");
  cmd->add_option(
      "--sources", a->sources,
      "Documentation sources as JSON (default: the built-in four; see --print-sources)");
  cmd->add_flag("--print-sources", a->print_sources,
                "Print the documentation sources (built-in, or from --sources) as JSON and stop");
  cmd->callback([&g, &run, a] {
    run = [&g, a]() -> Status {
      ASSIGN_OR_RETURN(std::vector<synth::DocumentationSource> sources, LoadSources(a->sources));
      if (a->print_sources) {
        std::cout << synth::SourcesToJson(sources);
        return OkStatus();
      }
      if (a->out.empty()) {
        return InvalidArgumentError(
            "--out FILE is required (and --persons N), e.g. custodian "
            "generate --persons 10000 --out corpus.jsonl");
      }
      synth::Options options;
      options.persons = a->persons;
      options.seed = a->seed;
      options.sources = std::move(sources);
      if (Status checked = synth::CheckOptions(options); !checked.ok()) {
        if (options.persons < 1 || options.persons > synth::kMaxPersons) {
          return InvalidArgumentError("--persons must be from 1 to 1,000,000; got " +
                                      std::to_string(options.persons));
        }
        return checked;
      }
      if (a->out == "-" && a->truth.empty()) {
        return InvalidArgumentError(
            "with --out - (stdout), name the ground-truth file with --truth FILE");
      }
      const std::string truth_path = a->truth.empty() ? DefaultTruthPath(a->out) : a->truth;
      if (truth_path == a->out) {
        return InvalidArgumentError("--truth must differ from --out");
      }

      std::unique_ptr<PartialFile> corpus_file;
      std::ostream* corpus = &std::cout;
      if (a->out != "-") {
        corpus_file = std::make_unique<PartialFile>(a->out);
        RETURN_IF_ERROR(corpus_file->Open());
        corpus = &corpus_file->stream();
      }
      PartialFile truth(truth_path);
      RETURN_IF_ERROR(truth.Open());
      ProgressBar bar("generate", !g.quiet && ::isatty(STDERR_FILENO));
      options.progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };
      ASSIGN_OR_RETURN(synth::Report report, synth::Generate(options, *corpus, truth.stream()));
      if (corpus_file) RETURN_IF_ERROR(corpus_file->Commit());
      RETURN_IF_ERROR(truth.Commit());

      if (g.json) {
        using Json = nlohmann::ordered_json;
        Json sources_json = Json::object();
        for (const auto& [key, n] : report.captured_by_source) sources_json[key] = n;
        Json kinds = Json::object();
        for (const auto& [kind, n] : report.records_by_kind) kinds[kind] = n;
        std::cout << Json({{"persons", report.persons},
                           {"seed", options.seed},
                           {"captured", report.captured},
                           {"captured_by_source", sources_json},
                           {"records", kinds},
                           {"lines", report.lines},
                           {"bytes", report.bytes},
                           {"out", a->out},
                           {"truth", truth_path}})
                         .dump(2)
                  << "\n";
        return OkStatus();
      }
      // With the corpus on stdout, the summary goes to stderr so as not to mix with it.
      std::ostream& say = a->out == "-" ? std::cerr : std::cout;
      say << "generated " << Thousands(report.persons) << " victims (seed " << options.seed << "); "
          << Thousands(report.captured) << " recorded by at least one of " << options.sources.size()
          << " documentation sources\n";
      for (const synth::DocumentationSource& source : options.sources) {
        auto it = report.captured_by_source.find(source.key);
        say << "  " << source.key << ": "
            << Thousands(it == report.captured_by_source.end() ? 0 : it->second) << " victims\n";
      }
      say << "wrote " << Thousands(report.lines) << " records ("
          << Thousands((report.bytes + 500000) / 1000000) << " MB) to " << a->out
          << " and the ground truth to " << truth_path << "\n";
      return OkStatus();
    };
  });
}

}  // namespace custodian::cli
