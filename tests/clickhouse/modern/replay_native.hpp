#pragma once
// Native blocks as a ClickHouse server writes and reads them in protocol
// packets, written from ClickHouse's Formats/NativeWriter.cpp,
// NativeReader.cpp, Core/BlockInfo.cpp and the type serializations:
//   BlockInfo      pairs (field number varint, value): 1 is_overflows
//                  (UInt8), 2 bucket_num (Int32), 3 out-of-order buckets
//                  (from 54480); then 0
//   dimensions     columns varint, rows varint
//   each column    name string, type string, from 54454 a UInt8 "custom
//                  serialization" flag (0: none; sparse only from 54465,
//                  so a server never sets it for ior's 54460), then the data
//                  unless rows == 0
//   data           numbers/DateTime/Enum little-endian; String varint+bytes
//                  per row; UUID two UInt64, the text's first and second
//                  half (WriteHelpers formatUUID); LowCardinality(String):
//                  UInt64 key version 1, UInt64 index type (width | 0x200
//                  additional keys | 0x400 update dictionary, never 0x100
//                  global dictionary in Native), UInt64 key count, keys as
//                  String, UInt64 row count, positions of the width
//                  (SerializationLowCardinality.cpp)
// Values are kept as text (numbers in decimal, UUIDs 8-4-4-4-12 lowercase,
// strings as their bytes), so tests compare them with what they sent.

#include <cstdint>
#include <string>
#include <vector>

#include "replay_wire.hpp"

namespace ior::testing::chreplay {

struct Column {
  std::string name;
  std::string type;
  std::vector<std::string> values;
};

struct Block {
  bool is_overflows = false;
  std::int32_t bucket_num = -1;
  std::size_t rows = 0;
  std::vector<Column> columns;

  bool empty() const { return columns.empty() && rows == 0; }
  /// Throws std::out_of_range naming the column.
  const Column& column(const std::string& name) const;
};

/// A block of 0 rows with these (name, type) columns: an INSERT's sample block.
Block header_block(const std::vector<std::pair<std::string, std::string>>& columns);

/// NativeWriter::write at the peer's revision.
void write_block(Out& out, const Block& block, std::uint64_t revision);
/// NativeReader::read; throws Violation for anything a server would refuse.
Block read_block(In& in, std::uint64_t revision);

}  // namespace ior::testing::chreplay
