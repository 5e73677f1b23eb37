#pragma once
// Protocol revisions: each feature of the native protocol exists on the wire
// only when both sides' revisions reach the one that introduced it. The
// client announces kClientRevision; the connection then speaks the lower of
// that and the server's (Debian's 18.16 server announces 54412).

#include <cstdint>

namespace ior::clickhouse::protocol::revision {

inline constexpr std::uint64_t kServerTimezone = 54058;
inline constexpr std::uint64_t kQuotaKeyInClientInfo = 54060;
inline constexpr std::uint64_t kServerDisplayName = 54372;
inline constexpr std::uint64_t kVersionPatch = 54401;
inline constexpr std::uint64_t kServerLogs = 54406;
inline constexpr std::uint64_t kClientWriteInfo = 54420;
inline constexpr std::uint64_t kSettingsAsStrings = 54429;
inline constexpr std::uint64_t kInterserverSecret = 54441;
inline constexpr std::uint64_t kOpenTelemetry = 54442;
inline constexpr std::uint64_t kDistributedDepth = 54448;
inline constexpr std::uint64_t kInitialQueryStartTime = 54449;
inline constexpr std::uint64_t kParallelReplicas = 54453;
inline constexpr std::uint64_t kCustomSerialization = 54454;
inline constexpr std::uint64_t kAddendum = 54458;
inline constexpr std::uint64_t kQuotaKey = 54458;
inline constexpr std::uint64_t kParameters = 54459;
inline constexpr std::uint64_t kServerQueryTimeInProgress = 54460;

/// What ior announces.
inline constexpr std::uint64_t kClient = 54460;

}  // namespace ior::clickhouse::protocol::revision
