#pragma once
// The CA file given for TLS (-ch-ca-file), checked before anything is
// traced: a missing, unreadable or certificate-less file is a setup error
// the user must fix, not a server outage. Loaded the way each connection
// loads it (SSL_CTX_load_verify_locations), so a file accepted here is one
// the connections can load.

#include <string>

namespace ior::clickhouse::net {

/// Throws ior::Error saying what is wrong with the file (without a prefix:
/// the caller names the flag).
void check_ca_file(const std::string& path);

}  // namespace ior::clickhouse::net
