#pragma once
// Where the ClickHouse sink spools by default, so that a server restart
// costs no rows without any flag: $STATE_DIRECTORY/spool (systemd's
// StateDirectory=, the first one when it lists several), else
// /var/lib/ior/spool; -ch-spool DIR replaces that root, -ch-spool none
// turns spooling off. Each destination (hosts, port, database, table) gets
// a directory of its own under the root, so that a run replays only what
// earlier runs meant for the same table.

#include <cstdint>
#include <string>
#include <vector>

namespace ior::cli {

struct SpoolTarget {
  std::vector<std::string> hosts;
  std::uint16_t port = 0;
  std::string database;
  std::string table;
};

/// The root the flag and the environment choose; "" when off.
/// state_directory: the value of $STATE_DIRECTORY, or nullptr.
std::string spool_root(const std::string& flag, const char* state_directory);
/// A file-name-safe directory name for one destination: readable, and
/// unique by a hash of the exact destination.
std::string spool_target_dir(const SpoolTarget& target);

}  // namespace ior::cli
