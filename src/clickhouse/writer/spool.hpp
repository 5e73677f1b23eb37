#pragma once
// Batches on disk while no server takes them: one Native-format file per
// batch (readable by ClickHouse itself: `FROM file('x.native', Native)`),
// named so that the oldest sorts first, also across runs. A file is written
// under a temporary name and renamed, so a crash never leaves half a batch
// under a name replay would pick up. Thread-safe.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "clickhouse/columns/block.hpp"

namespace ior::clickhouse::writer {

struct SpooledBatch {
  columns::Block block;
  std::filesystem::path path;
  /// The batch's INSERT may have reached the server before its connection
  /// failed: check before sending it again.
  bool maybe_stored = false;
};

class Spool {
 public:
  /// Creates dir if needed and adopts the files a previous run left.
  Spool(std::filesystem::path dir, std::uint64_t max_bytes);

  /// False (nothing written) when the batch would exceed max_bytes.
  /// Throws ior::SystemError when the disk refuses the write.
  bool put(const columns::Block& block, bool maybe_stored);
  /// Checks out the oldest batch not checked out yet, read back; nullopt
  /// when none. The file stays until remove() (stored) or release() (not
  /// stored: it becomes available again). A file that does not decode is
  /// renamed *.bad and skipped.
  std::optional<SpooledBatch> take_oldest();
  void remove(const std::filesystem::path& path);
  void release(const std::filesystem::path& path);
  /// Files not checked out.
  std::uint64_t available() const;

  std::uint64_t bytes() const;
  std::uint64_t files() const;
  /// Rows in the files now in the spool (read from each file's block header).
  std::uint64_t pending_rows() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::set<std::filesystem::path> files_;  // sorted: oldest first
  std::set<std::filesystem::path> taken_;  // checked out by a sender
  std::uint64_t bytes_ = 0;
  std::uint64_t seq_ = 0;
  std::string run_prefix_;
};

}  // namespace ior::clickhouse::writer
