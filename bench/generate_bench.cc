// generate_bench: how long `custodian generate` takes for 1,000,000 persons and how much memory
// it needs (issue 5: < 2 minutes, < 2 GB), next to the time it takes merely to write the same
// number of bytes to the same disk (the floor any generator has to pay). See bench/README.md.
//
//   generate_bench [--persons N] [--runs R] [--seed S] [--json FILE] [--workdir DIR] [--keep]
//
// Each run generates in a child process (fork), so that the child's peak resident set size
// (getrusage ru_maxrss, read by the parent through wait4) is that run's alone and not the
// largest of all runs in one process. The corpus and the truth go to files in the scratch
// directory, as `custodian generate --out` writes them (without the .partial rename).
//
// Output (stdout): each run's figures, then one line per figure:
//   RESULT<TAB>figure=...<TAB>value=...<TAB>peer=...<TAB>peer_value=...<TAB>ratio=...<TAB>
//   target=...<TAB>pass=true|false<TAB>runs=R
// and, with --json, the same figures as a JSON array (the form bench/run collects).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "synth/synth.h"

namespace {

using namespace custodian::bench;  // NOLINT: the shared harness, in a .cc file

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

constexpr double kTargetSeconds = 120;  // the figures
constexpr double kTargetMegabytes = 2048;

// What a child reports back through its pipe.
struct ChildReport {
  double wall = 0, cpu = 0, wait = 0;
  uint64_t records = 0, corpus_bytes = 0, truth_bytes = 0, captured = 0;
  char error[256] = {};
};

struct RunResult {
  ChildReport child;
  double peak_mb = 0;  // the child's ru_maxrss
};

// Generates in a child process and returns its timings and peak memory.
RunResult GenerateInChild(uint64_t persons, uint64_t seed, const std::string& corpus_path,
                          const std::string& truth_path) {
  int fds[2];
  if (pipe(fds) != 0) Die("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    close(fds[0]);
    ChildReport report;
    std::ofstream corpus(corpus_path, std::ios::binary | std::ios::trunc);
    std::ofstream truth(truth_path, std::ios::binary | std::ios::trunc);
    custodian::synth::Options options;
    options.persons = persons;
    options.seed = seed;
    const double cpu_start = CpuSeconds();
    const double wait_start = RunQueueWaitSeconds();
    const auto start = Clock::now();
    custodian::Result<custodian::synth::Report> result =
        corpus && truth ? custodian::synth::Generate(options, corpus, truth)
                        : custodian::Result<custodian::synth::Report>(
                              custodian::UnavailableError("cannot create the output files"));
    corpus.close();
    truth.close();
    const auto end = Clock::now();
    report.wall = Seconds(start, end);
    report.cpu = CpuSeconds() - cpu_start;
    report.wait = RunQueueWaitSeconds() - wait_start;
    if (result.ok()) {
      report.records = result->lines;
      report.corpus_bytes = result->bytes;
      report.truth_bytes = result->truth_bytes;
      report.captured = result->captured;
    } else {
      std::snprintf(report.error, sizeof report.error, "%s", result.status().ToString().c_str());
    }
    const ssize_t written = write(fds[1], &report, sizeof report);
    _exit(written == static_cast<ssize_t>(sizeof report) ? 0 : 1);
  }
  close(fds[1]);
  RunResult out;
  const ssize_t got = read(fds[0], &out.child, sizeof out.child);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) Die("wait4 failed");
  if (got != static_cast<ssize_t>(sizeof out.child) || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    Die("the generating child failed");
  }
  if (out.child.error[0] != '\0') Die(std::string("generate: ") + out.child.error);
  out.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
  return out;
}

// The peer: writing the same number of bytes to a file on the same disk, from a buffer, in
// writes as large as the generator's (4 MiB), without generating anything.
double TimeRawWrite(uint64_t bytes, const std::string& path) {
  std::vector<char> buffer(4 << 20, 'x');
  for (size_t i = 0; i < buffer.size(); i += 1000) buffer[i] = '\n';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) Die("cannot write " + path);
  const auto start = Clock::now();
  uint64_t left = bytes;
  while (left > 0) {
    const uint64_t n = std::min<uint64_t>(left, buffer.size());
    out.write(buffer.data(), static_cast<std::streamsize>(n));
    left -= n;
  }
  out.close();
  const double seconds = Seconds(start, Clock::now());
  if (!out) Die("cannot write " + path);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  custodian::bench::program_name = "generate_bench";
  uint64_t persons = 1000000, runs = 3, seed = 1;
  std::string json_path, workdir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--persons" || arg == "--records") {  // --records: BENCH_ARGS shared by all benches
      persons = ParseCount(arg.c_str(), value());
    } else if (arg == "--runs") {
      runs = ParseCount("--runs", value());
    } else if (arg == "--seed") {
      seed = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--json") {
      json_path = value();
    } else if (arg == "--workdir") {
      workdir = value();
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: generate_bench [--persons N (1000000)] [--runs R (3)] [--seed S (1)]\n"
          "                      [--json FILE] [--workdir DIR (a new directory under $TMPDIR)] "
          "[--keep]\n");
      return 0;
    } else {
      Die("unknown argument " + arg + " (try --help)");
    }
  }
  if (persons > custodian::synth::kMaxPersons) Die("--persons must be at most 1,000,000");

  workdir = ScratchDirectory(workdir, "generate-bench");
  const std::string corpus = workdir + "/corpus.jsonl", truth = workdir + "/corpus.truth.jsonl";
  const std::string raw = workdir + "/raw.bin";
  std::printf("generate_bench: %llu persons, %llu runs, seed %llu, in %s\n",
              static_cast<unsigned long long>(persons), static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(seed), workdir.c_str());

  std::vector<double> wall, cpu, peak, peer, records_per_s;
  RunResult last;
  for (uint64_t run = 1; run <= runs; ++run) {
    last = GenerateInChild(persons, seed, corpus, truth);
    const uint64_t bytes = last.child.corpus_bytes + last.child.truth_bytes;
    if (!keep) {
      fs::remove(corpus);
      fs::remove(truth);
    }
    const double raw_seconds = TimeRawWrite(bytes, raw);
    fs::remove(raw);
    wall.push_back(last.child.wall);
    cpu.push_back(last.child.cpu);
    peak.push_back(last.peak_mb);
    peer.push_back(raw_seconds);
    records_per_s.push_back(static_cast<double>(last.child.records) / last.child.wall);
    std::printf(
        "run %llu: generate %.2f s (cpu %.2f, cpu-wait %.2f), peak RSS %.1f MB, %llu records, "
        "%.0f MB corpus + %.0f MB truth = %.1f MB/s | raw write of the same bytes %.2f s | "
        "ratio %.2f\n",
        static_cast<unsigned long long>(run), last.child.wall, last.child.cpu, last.child.wait,
        last.peak_mb, static_cast<unsigned long long>(last.child.records),
        last.child.corpus_bytes / 1e6, last.child.truth_bytes / 1e6, bytes / last.child.wall / 1e6,
        raw_seconds, last.child.wall / raw_seconds);
    std::fflush(stdout);
  }
  if (!keep && fs::is_empty(workdir)) fs::remove(workdir);

  const std::string label = CountLabel(persons);
  const double value = Median(wall), peer_value = Median(peer), memory = Median(peak);
  const bool time_pass = value < kTargetSeconds, memory_pass = memory < kTargetMegabytes;
  const std::string time_figure = "generate " + label + " persons, corpus + truth (s)";
  const std::string memory_figure = "generate " + label + " persons, peak RSS (MB)";
  const std::string peer_name = "raw write of the same bytes to the same disk";
  std::printf(
      "median of %llu: %.2f s (cpu %.2f s), peak RSS %.1f MB, %.0f records/s; raw write %.2f s\n",
      static_cast<unsigned long long>(runs), value, Median(cpu), memory, Median(records_per_s),
      peer_value);
  std::printf(
      "RESULT\tfigure=%s\tvalue=%.2f\tpeer=%s\tpeer_value=%.2f\tratio=%.3f\ttarget=< %.0f\t"
      "pass=%s\truns=%llu\n",
      time_figure.c_str(), value, peer_name.c_str(), peer_value, value / peer_value, kTargetSeconds,
      time_pass ? "true" : "false", static_cast<unsigned long long>(runs));
  std::printf(
      "RESULT\tfigure=%s\tvalue=%.1f\tpeer=-\tpeer_value=-\tratio=-\ttarget=< %.0f\t"
      "pass=%s\truns=%llu\n",
      memory_figure.c_str(), memory, kTargetMegabytes, memory_pass ? "true" : "false",
      static_cast<unsigned long long>(runs));

  if (!json_path.empty()) {
    OJson result = OJson::array();
    result.push_back({
        {"figure", time_figure},
        {"value", Round(value, 2)},
        {"peer", peer_name},
        {"peer_value", Round(peer_value, 2)},
        {"ratio", Round(value / peer_value, 3)},
        {"target", "< " + std::to_string(static_cast<int>(kTargetSeconds))},
        {"pass", time_pass},
        {"runs", runs},
        {"unit", "s"},
        {"lower_is_better", true},
        {"persons", persons},
        {"records", last.child.records},
        {"corpus_bytes", last.child.corpus_bytes},
        {"truth_bytes", last.child.truth_bytes},
        {"captured", last.child.captured},
        {"cpu_value", Round(Median(cpu), 2)},
        {"records_per_s", std::llround(Median(records_per_s))},
        {"samples", Rounded(wall, 2)},
        {"peer_samples", Rounded(peer, 2)},
    });
    result.push_back({
        {"figure", memory_figure},
        {"value", Round(memory, 1)},
        {"peer", "-"},
        {"peer_value", nullptr},
        {"ratio", nullptr},
        {"target", "< " + std::to_string(static_cast<int>(kTargetMegabytes))},
        {"pass", memory_pass},
        {"runs", runs},
        {"unit", "MB"},
        {"lower_is_better", true},
        {"samples", Rounded(peak, 1)},
    });
    std::ofstream out(json_path, std::ios::trunc);
    out << result.dump(2) << '\n';
    if (!out) Die("cannot write " + json_path);
  }
  return 0;  // bench/run judges the figures from the JSON
}
