#include "cli/report_inputs.hpp"

#include <glob.h>
#include <sys/stat.h>

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

std::vector<std::string> glob_paths(const std::string& pattern) {
  glob_t g{};
  int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  return out;
}

}  // namespace

std::vector<ReportInput> expand_report_inputs(const std::vector<std::string>& args) {
  constexpr auto kFound = parquet::reader::Symlinks::kRefuse;
  std::vector<ReportInput> files;
  for (const auto& a : args) {
    if (exists(a)) {
      files.push_back({a, parquet::reader::Symlinks::kFollow});
      continue;
    }
    if (is_pattern(a)) {
      auto m = glob_paths(a);
      if (m.empty()) throw UsageError("report: no file matches \"" + a + "\"");
      for (auto& p : m) files.push_back({std::move(p), kFound});
      continue;
    }
    // A rotated set: NAME.1.parquet, NAME.2.parquet, ... until one is missing.
    std::size_t before = files.size();
    for (std::uint64_t n = 1;; ++n) {
      std::string p = parquet::ParquetSink::rotated_path(a, n);
      if (!name_taken(p)) break;
      files.push_back({std::move(p), kFound});
    }
    if (files.size() == before) throw UsageError("report: no such file \"" + a + "\" (nor a rotated set " +
                                                 parquet::ParquetSink::rotated_path(a, 1) + ", ...)");
  }
  return files;
}

}  // namespace ior::cli
