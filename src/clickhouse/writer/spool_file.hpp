#pragma once
// One spool file: a fixed header, then the batch as a ClickHouse Native
// block (`tail -c +49 F | clickhouse-local --input-format Native ...` reads
// it). The header says the file is ior's, how many rows it holds (counted
// without decoding) and carries a checksum of the block, so a torn or
// altered file is set aside instead of being sent as rows.
//
//   8 bytes  "IORSPOOL"
//   4 bytes  format version (1), little-endian
//   4 bytes  0 (reserved)
//   8 bytes  rows
//   8 bytes  block bytes that follow
//  16 bytes  CityHash128 (v1.0.2) of the block bytes
//
// Names: <run start, 20 digits>-<sequence, 12 digits>.native, or
// .maybe.native for a batch whose INSERT may have reached the server (it is
// checked before being sent again). They sort oldest first across runs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clickhouse/columns/block.hpp"

namespace ior::clickhouse::writer {

inline constexpr std::size_t kSpoolHeaderBytes = 48;

struct SpoolName {
  std::string run;  ///< the writing run's start time, 20 digits
  std::uint64_t seq = 0;
  bool maybe_stored = false;
};

std::string format_spool_name(const SpoolName& name);
/// nullopt for any name ior does not write (temporary, .bad, foreign files).
std::optional<SpoolName> parse_spool_name(std::string_view name);

struct SpoolHeader {
  std::uint64_t rows = 0;
  std::uint64_t block_bytes = 0;
};

/// Header and Native block of one batch.
std::string encode_spool_file(const columns::Block& block);
/// Checks magic and version; throws FormatError.
SpoolHeader decode_spool_header(std::string_view head);
/// Checks header, length and checksum, then decodes; throws FormatError.
columns::Block decode_spool_file(std::string_view bytes);

}  // namespace ior::clickhouse::writer
