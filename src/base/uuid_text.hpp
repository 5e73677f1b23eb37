#pragma once
// The canonical text form of a UUID, as ClickHouse and every reader print it.

#include <cstdint>
#include <span>
#include <string>

namespace ior {

/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower-case hex) for 16 bytes in
/// RFC 4122 order.
std::string uuid_text(std::span<const std::uint8_t, 16> bytes);

}  // namespace ior
