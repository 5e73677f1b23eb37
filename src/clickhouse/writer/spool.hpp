#pragma once
// Batches on disk while no server takes them (spool_file.hpp: one file per
// batch, named so that the oldest sorts first, also across runs), in a
// directory only ior's user can write (spool_directory.hpp). The run that
// holds the directory's lock adopts the files earlier runs left and
// replays them; a run that finds the lock taken (another ior writing to
// the same destination now) spools and replays only its own files.
// Thread-safe.
//
// The size limit covers everything in the directory: ior's files, files
// set aside as *.bad (kept for a human, reported) and files ior does not
// know (left alone, reported).

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "clickhouse/columns/block.hpp"
#include "clickhouse/writer/spool_directory.hpp"

namespace ior::clickhouse::writer {

struct SpooledBatch {
  columns::Block block;
  std::string name;
  /// The batch's INSERT may have reached the server before its connection
  /// failed: check before sending it again.
  bool maybe_stored = false;
  /// Written by an earlier run (not this run's rows).
  bool earlier = false;
  std::uint64_t bytes = 0;  ///< the file's size
};

struct SpoolCounts {
  std::uint64_t bytes = 0;          ///< all files in the directory, against the limit
  std::uint64_t files = 0;          ///< ior's batch files
  std::uint64_t rows_own = 0;       ///< rows of this run in the spool now
  std::uint64_t rows_earlier = 0;   ///< rows of earlier runs in the spool now
  std::uint64_t rows_set_aside = 0; ///< this run's rows in files that failed their check
  std::uint64_t bad_files = 0;      ///< *.bad, set aside now or by earlier runs
  std::uint64_t foreign_files = 0;  ///< not ior's: neither replayed nor removed
  bool adopted = false;             ///< earlier runs' files are this run's to replay
};

class Spool {
 public:
  /// Opens (creates) and checks dir, takes its lock when free and adopts
  /// what earlier runs left. Throws ior::Error naming the problem.
  Spool(std::filesystem::path dir, std::uint64_t max_bytes);

  /// False (nothing written) when the batch would exceed max_bytes.
  /// Throws ior::SystemError when the disk refuses the write.
  bool put(const columns::Block& block, bool maybe_stored);
  /// Checks out the oldest batch not checked out yet, read back and
  /// verified; nullopt when none. The file stays until remove() (stored) or
  /// release() (not stored: available again). A file that fails its check
  /// is renamed *.bad and skipped. While checked out, the file is named
  /// .maybe.native (the batch's name says which): a run that ends without
  /// remove() or release() (killed, the power gone) between its INSERT and
  /// the file's removal leaves it to be checked against the table by the
  /// next run, not sent again blind.
  std::optional<SpooledBatch> take_oldest();
  void remove(const std::string& name);
  /// Not stored: available again. maybe_stored: its INSERT failed
  /// unacknowledged, so the file keeps the .maybe.native name and is checked
  /// against the table before it is sent again (also by the next run);
  /// else it takes back its plain name, unless it had the mark before.
  void release(const std::string& name, bool maybe_stored);
  /// Files not checked out.
  std::uint64_t available() const;
  SpoolCounts counts() const;
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  /// Renames a file to its name with or without the .maybe mark, with its
  /// entries; the name it has now (the old one when the rename failed).
  std::string mark_locked(const std::string& name, bool maybe_stored);

  struct Entry {
    std::uint64_t bytes = 0;
    std::uint64_t rows = 0;
    bool maybe_stored = false;
    bool earlier = false;
  };
  void adopt();
  /// Renames name to name.bad (the bytes stay counted); mu_ held.
  void set_aside_locked(const std::string& name);

  SpoolDirectory dir_;
  std::uint64_t max_bytes_;
  std::string run_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> files_;  // sorted by name: oldest first
  std::set<std::string> taken_;         // checked out by a sender
  std::uint64_t seq_ = 0;
  SpoolCounts counts_;                  // bytes, bad/foreign files, set-aside rows, adopted
};

}  // namespace ior::clickhouse::writer
