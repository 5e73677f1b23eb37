#pragma once
// What an unprivileged user on the same host can do to the files ior (root)
// writes: own a world-writable sticky directory such as /tmp and plant
// symbolic links or files there before ior runs. Needs root (the tests run
// the planting as nobody through setpriv).

#include <string>
#include <vector>

#include "workload_manifest.hpp"  // TempDir

namespace ior::testing {

/// Runs argv as nobody:nogroup without supplementary groups (setpriv) and
/// returns its standard output; throws when it fails.
std::string run_as_nobody(const std::vector<std::string>& argv);

/// A scratch area with a directory that nobody owns, mode 1777 (like /tmp),
/// and next to it a root-owned 0600 file that must never change.
class HostileDir {
 public:
  HostileDir();
  /// The world-writable sticky directory.
  const std::string& path() const { return shared_; }
  /// The root-owned 0600 file a planted link points at.
  const std::string& secret() const { return secret_; }
  /// What secret() holds, to compare with after a run.
  static constexpr const char* kSecretBytes = "root-owned secret: never written by ior\n";
  /// A path in the scratch area (outside path()) that does not exist.
  std::string nowhere() const { return scratch_.path() + "/nowhere"; }
  /// Plants, as nobody, a symbolic link at link pointing to target.
  void plant_link(const std::string& target, const std::string& link) const;

 private:
  TempDir scratch_;
  std::string shared_;
  std::string secret_;
};

/// The bytes of a file (empty when it cannot be read).
std::string file_bytes(const std::string& path);

/// The names in a directory, sorted (hidden ones included).
std::vector<std::string> dir_entries(const std::string& dir);

/// A regular file (not a link) owned by root with mode 0600.
bool is_root_owned_0600_file(const std::string& path);

}  // namespace ior::testing
