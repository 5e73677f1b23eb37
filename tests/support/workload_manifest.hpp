#pragma once
// What the BPF and end-to-end tests share around the test workload: its
// manifest (what it did, independently of ior), a scratch directory, and
// the root requirement of anything that loads BPF.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "subprocess.hpp"  // in_ci() for the macro

namespace ior::testing {

/// One line of `ior_workload scenario`'s manifest.
struct ManifestLine {
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::string name;
  std::int64_t ret = 0;
  std::string file;  ///< the path, the fd's file, or "old -> new"
};

std::vector<ManifestLine> parse_manifest(const std::string& text);

/// A fresh directory under /tmp, removed with its content at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ior::testing

/// Skips (or, under CI=true, fails) unless the test runs as root.
#define IOR_REQUIRE_ROOT()                                                          \
  do {                                                                              \
    if (geteuid() != 0) {                                                           \
      if (::ior::testing::in_ci()) FAIL() << "BPF tests must run as root in CI";     \
      GTEST_SKIP() << "needs root to load BPF programs";                            \
    }                                                                               \
  } while (0)
