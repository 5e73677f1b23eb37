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

// lstat: a link planted among the rotated files, dangling or not, is listed
// (and then refused when opened) instead of ending the set unseen.
bool name_taken(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
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

std::vector<ReportInput> expand_report_inputs(const std::vector<std::string>& args) {
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
    // A rotated set: NAME.1.parquet, NAME.2.parquet, ... until one is missing.
    std::size_t before = files.size();
    for (std::uint64_t n = 1;; ++n) {
      std::string p = parquet::ParquetSink::rotated_path(a, n);
      if (!name_taken(p)) break;
      files.push_back({std::move(p), kFound, a});
    }
    if (files.size() == before) throw UsageError("report: no such file \"" + a + "\" (nor a rotated set " +
                                                 parquet::ParquetSink::rotated_path(a, 1) + ", ...)");
  }
  return files;
}

}  // namespace ior::cli
