#pragma once
// The spool's directory, opened so that no other user can steer what ior
// (root) writes or replays: every missing component is created 0700, the
// directory must belong to ior's user and be writable by nobody else, and
// every later operation is relative to the directory's descriptor
// (openat/renameat/unlinkat with O_NOFOLLOW), so a path swapped after the
// check changes nothing.

#include <filesystem>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"

namespace ior::clickhouse::writer {

class SpoolDirectory {
 public:
  /// Creates dir (and missing parents, 0700) and checks it; throws
  /// ior::Error with one line naming the problem and its fix.
  explicit SpoolDirectory(std::filesystem::path dir);

  /// Takes the directory's lock (flock on "lock", non-blocking): false when
  /// another ior run is using this spool now.
  bool try_lock();

  /// Names of the regular files directly in the directory (symlinks and
  /// other types skipped).
  std::vector<std::string> list() const;
  /// Creates a new file under a random temporary name (O_EXCL|O_NOFOLLOW,
  /// 0600), writes bytes, fsyncs, and renames it to name. Throws SystemError.
  void write_file(const std::string& name, std::string_view bytes) const;
  /// Reads a whole file of at most max_bytes; throws FormatError when it is
  /// larger, SystemError when it cannot be read. Never follows a symlink.
  std::string read_file(const std::string& name, std::size_t max_bytes) const;
  /// Reads at most n bytes from the file's start.
  std::string read_head(const std::string& name, std::size_t n) const;
  /// Size of a regular file; -1 when it is gone or not a regular file.
  long long file_size(const std::string& name) const;
  void remove(const std::string& name) const;
  /// False when the file system refused.
  bool rename(const std::string& from, const std::string& to) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  UniqueFd open_regular(const std::string& name) const;

  std::filesystem::path path_;
  UniqueFd fd_;
  UniqueFd lock_;
};

}  // namespace ior::clickhouse::writer
