// What every benchmark under bench/ shares: failing loudly, timing (wall, CPU, time spent
// waiting for a CPU on a shared machine), medians, and raw SQLite statements for the peers.
// Each benchmark prints its own figures and writes them as JSON for bench/run.
#ifndef CUSTODIAN_BENCH_HARNESS_H_
#define CUSTODIAN_BENCH_HARNESS_H_

#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace custodian::bench {

using Clock = std::chrono::steady_clock;

// Set by each benchmark's main() so that messages say who failed.
inline const char* program_name = "bench";

[[noreturn]] inline void Die(const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", program_name, why.c_str());
  std::exit(1);
}

inline void Must(const Status& status, const std::string& doing) {
  if (!status.ok()) Die(doing + ": " + status.message());
}

template <typename T>
T Must(Result<T> result, const std::string& doing) {
  if (!result.ok()) Die(doing + ": " + result.status().message());
  return std::move(result).value();
}

inline double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds used by this process (user + system, all threads).
inline double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Seconds this thread has spent runnable but waiting for a CPU (Linux /proc schedstat; 0 where
// unavailable). On a shared machine this is the part of wall time other processes took.
inline double RunQueueWaitSeconds() {
  std::ifstream in("/proc/thread-self/schedstat");
  unsigned long long on_cpu = 0, waiting = 0;
  if (!(in >> on_cpu >> waiting)) return 0;
  return static_cast<double>(waiting) * 1e-9;
}

// One timed measurement: wall seconds (the figure); CPU seconds; seconds spent waiting for a
// CPU; and the wall seconds of the final COMMIT alone. Wall minus CPU minus waiting is roughly
// time blocked on I/O.
struct Timing {
  double wall = 0, cpu = 0, wait = 0, commit = 0;
};

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

inline double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

inline std::vector<double> Rounded(const std::vector<double>& v, int decimals) {
  std::vector<double> out;
  for (double x : v) out.push_back(Round(x, decimals));
  return out;
}

// A command-line count: a positive whole number, or the program dies saying which flag.
// The benchmark's scratch directory: `workdir` if given (created if missing), else a new
// directory custodian-<name>-XXXXXX under $TMPDIR.
inline std::string ScratchDirectory(const std::string& workdir, const std::string& name) {
  if (!workdir.empty()) {
    std::filesystem::create_directories(workdir);
    return workdir;
  }
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("custodian-" + name + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) Die("cannot create a temporary directory");
  return tmpl;
}

inline uint64_t ParseCount(const char* flag, const char* text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || v == 0) Die(std::string(flag) + " needs a positive number");
  return v;
}

// "100k", "10M": for figure names.
inline std::string CountLabel(uint64_t n) {
  if (n >= 1000000 && n % 1000000 == 0) return std::to_string(n / 1000000) + "M";
  if (n >= 1000 && n % 1000 == 0) return std::to_string(n / 1000) + "k";
  return std::to_string(n);
}

inline void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : "?";
    sqlite3_free(error);
    Die(std::string("sqlite: ") + sql + ": " + why);
  }
}

// One figure of a benchmark, as bench/run reads it: printed as a RESULT line and written as
// JSON ({"figure", "value", "peer", "peer_value", "ratio", "target", "pass", "runs", ...}).
struct Figure {
  std::string figure;
  double value = 0;
  std::string peer;
  double peer_value = 0;
  bool has_peer = false;
  std::string target;
  bool has_target = false;
  bool pass = true;
  int runs = 0;
  std::string unit;
  bool lower_is_better = false;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();

  double ratio() const { return peer_value != 0 ? value / peer_value : 0; }
};

// Prints every figure, writes them to `json_path` (if not empty) and says whether any fell
// short; returns true if all met their targets.
inline bool ReportFigures(const std::vector<Figure>& figures, const std::string& json_path) {
  bool all_pass = true;
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const Figure& f : figures) {
    std::printf("RESULT\tfigure=%s\tvalue=%.4f", f.figure.c_str(), f.value);
    nlohmann::ordered_json j = {{"figure", f.figure}, {"value", f.value}};
    if (f.has_peer) {
      std::printf("\tpeer=%s\tpeer_value=%.4f\tratio=%.4f", f.peer.c_str(), f.peer_value,
                  f.ratio());
      j["peer"] = f.peer;
      j["peer_value"] = f.peer_value;
      j["ratio"] = Round(f.ratio(), 4);
    }
    if (f.has_target) {
      std::printf("\ttarget=%s\tpass=%s", f.target.c_str(), f.pass ? "true" : "false");
      j["target"] = f.target;
      j["pass"] = f.pass;
      if (!f.pass) all_pass = false;
    }
    std::printf("\truns=%d\n", f.runs);
    j["runs"] = f.runs;
    if (!f.unit.empty()) j["unit"] = f.unit;
    if (f.lower_is_better) j["lower_is_better"] = true;
    for (const auto& [k, v] : f.extra.items()) j[k] = v;
    json.push_back(std::move(j));
  }
  if (!json_path.empty()) {
    std::ofstream out(json_path, std::ios::trunc);
    out << json.dump(2) << '\n';
    if (!out) Die("cannot write " + json_path);
  }
  // A short figure is reported as SHORT by bench/run from the JSON; the exit status is for
  // failures to run.
  if (!all_pass) std::printf("some figures fell short of their targets\n");
  return all_pass;
}

}  // namespace custodian::bench

#endif  // CUSTODIAN_BENCH_HARNESS_H_
