#include "cli/report_inputs.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>

#include "base/error.hpp"
#include "parquet/parquet_sink.hpp"

namespace ior::cli {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool is_pattern(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// Digit runs compare as numbers: a rotated set r.1, r.2, ..., r.10 in the
// order it was written, where glob's own order puts r.10 before r.2.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      std::size_t si = i, sj = j;  // leading zeros do not count
      while (si + 1 < ei && a[si] == '0') ++si;
      while (sj + 1 < ej && b[sj] == '0') ++sj;
      if (ei - si != ej - sj) return ei - si < ej - sj;
      if (const int c = a.compare(si, ei - si, b, sj, ej - sj); c != 0) return c < 0;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal but for leading zeros: any fixed order
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  glob_t g{};
  int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  std::sort(out.begin(), out.end(), natural_less);
  return out;
}

}  // namespace

std::vector<ReportInput> expand_report_inputs(const std::vector<std::string>& args, std::vector<std::string>* notes) {
  constexpr auto kFound = parquet::reader::Symlinks::kRefuse;
  std::vector<ReportInput> files;
  for (const auto& a : args) {
    if (exists(a)) {
      files.push_back({a, parquet::reader::Symlinks::kFollow, ""});
      continue;
    }
    if (is_pattern(a)) {
      auto m = glob_paths(a);
      if (m.empty()) throw UsageError("report: no file matches \"" + a + "\"");
      for (auto& p : m) files.push_back({std::move(p), kFound, ""});
      continue;
    }
    // A rotated set: every NAME.<n>.parquet, in order. A number missing
    // below the highest is named (its rows are not in the report), and the
    // files after it are read all the same.
    const auto numbers = parquet::ParquetSink::rotated_numbers_taken(a);
    if (numbers.empty()) {
      throw UsageError("report: no such file \"" + a + "\" (nor a rotated set " +
                       parquet::ParquetSink::rotated_path(a, 1) + ", ...)");
    }
    std::vector<std::uint64_t> missing;
    std::uint64_t missing_count = 0;
    std::uint64_t expected = 1;
    for (const std::uint64_t n : numbers) {
      for (; expected < n; ++expected) {
        ++missing_count;
        if (missing.size() < 10) missing.push_back(expected);
      }
      expected = n + 1;
      files.push_back({parquet::ParquetSink::rotated_path(a, n), kFound, a});
    }
    if (missing_count > 0 && notes != nullptr) {
      std::string line = "ior report: the rotated set " + a + " lacks " + std::to_string(missing_count) + " of " +
                         std::to_string(numbers.back()) + " files (";
      for (std::size_t i = 0; i < missing.size(); ++i) {
        line += (i == 0 ? "" : ", ") + parquet::ParquetSink::rotated_path(a, missing[i]);
      }
      line += missing_count > missing.size() ? ", ...)" : ")";
      notes->push_back(line + ": their rows are not in this report");
    }
  }
  return files;
}

}  // namespace ior::cli
