#pragma once
// Query settings on the wire. From revision 54429 on every setting travels
// as (name, flags, value as text) and the server parses it; before that each
// one travels in its own binary type, which the client must know.

#include <cstdint>
#include <span>

#include "clickhouse/protocol/packets.hpp"

namespace ior::clickhouse::protocol {

/// Appends the settings and the empty name that ends them. Throws ior::Error
/// (nothing appended) for a setting an old revision cannot take or a value
/// that does not parse as its type.
void write_settings(wire::WireWriter& out, std::span<const Setting> settings, std::uint64_t revision);

}  // namespace ior::clickhouse::protocol
