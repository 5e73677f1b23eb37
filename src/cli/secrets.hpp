#pragma once
// The ClickHouse password, the one secret ior handles, and what keeps it out
// of everything ior writes:
//   - it is read once, from -ch-password, IOR_CH_PASSWORD or the first line
//     of -ch-password-file (the latter two keep it out of the process list);
//   - the recorded command line (Parquet footer key ior.flags) has the value
//     of -ch-password replaced by "<redacted>" (FlagParser::mark_secret);
//   - no message, row, spool file or summary line contains it (the client
//     sends it only in its Hello);
//   - once it is loaded the process is made not dumpable: no core dump, no
//     ptrace by processes of the same user, /proc/<pid> files owned by root.
//     Locking it in memory (mlock) was not chosen: it is copied into every
//     connection's options, and swap is the host's own trust domain;
//   - it goes unencrypted (no -ch-secure) to a non-loopback address only
//     after a warning.

#include <functional>
#include <string>

#include "cli/options.hpp"

namespace ior::cli {

/// The password from -ch-password, else IOR_CH_PASSWORD, else the first
/// line of -ch-password-file; "" for none. Throws UsageError. warn (when
/// set) gets one line when the password file can be read by other users.
std::string load_clickhouse_password(const Options& o,
                                     const std::function<void(const std::string&)>& warn = nullptr);

/// Makes the process not dumpable (prctl PR_SET_DUMPABLE 0). Throws SystemError.
void protect_secrets_in_memory();

/// A ClientOptions::on_cleartext_password hook: one warning line per peer
/// through warn, safe to call from any thread.
std::function<void(const std::string& peer)> cleartext_password_warning(
    std::function<void(const std::string&)> warn);

}  // namespace ior::cli
