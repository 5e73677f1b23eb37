#pragma once
// Who and where this run is: host name, collection id, kernel, start time.
// Stamped into every row (hostname, collection_id) and into file metadata.

#include <cstdint>
#include <string>

#include "schema/event_row.hpp"

namespace ior::cli {

struct RunIdentity {
  std::string hostname;
  schema::Uuid collection_id{};
  std::string kernel;              ///< uname -r
  std::uint64_t start_unix_ns = 0;
};

RunIdentity make_run_identity();

/// Random (version 4) UUID from getrandom(2).
schema::Uuid random_uuid();

}  // namespace ior::cli
