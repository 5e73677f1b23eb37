#pragma once
// The version of the row's schema: which columns (names and types, in order)
// a Parquet file or a ClickHouse table of ior has. Readers use it to know a
// file's columns without guessing from the ior version (docs/PARQUET.md).
//
// Every version is one fingerprint of its column list, appended here and
// never edited: kSchemaVersion is the number of entries, so a new version is
// one appended line. tests/schema/schema_version_test.cpp fails whenever
// kColumns no longer matches the last entry, and prints the fingerprint to
// append and the golden column list to commit beside it
// (tests/schema/versions/vN.columns); forgetting the bump fails the build's
// unit tests instead of shipping files that claim the wrong version.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schema/columns.hpp"

namespace ior::schema {

/// FNV-1a (64 bit) of one line "name ClickHouseType\n" per column, in order.
class ColumnsFingerprint {
 public:
  constexpr void add(std::string_view name, std::string_view type) {
    bytes(name);
    bytes(" ");
    bytes(type);
    bytes("\n");
  }
  constexpr std::uint64_t value() const { return h_; }

 private:
  constexpr void bytes(std::string_view s) {
    for (char c : s) {
      h_ ^= static_cast<std::uint8_t>(c);
      h_ *= 0x100000001b3ull;
    }
  }
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

/// The fingerprint of kColumns as it is now.
constexpr std::uint64_t current_columns_fingerprint() {
  ColumnsFingerprint f;
  for (const auto& c : kColumnInfo) f.add(c.name, clickhouse_type_name(c.type));
  return f.value();
}

/// One entry per schema version, oldest first. Append only.
inline constexpr std::uint64_t kSchemaFingerprints[] = {
    0x813d86d312b1c1b4ull,  // 1: ior 0.1.0, the 20 columns timestamp_ns .. collection_id
    0xcd3079ff62f0ef2eull,  // 2: passed_name, passed_newname after newname (names made absolute)
    0x568bb1c9f520d21aull,  // 3: bytes, byte_class after ret_type (bytes moved and which way)
    0xd667b79c41e4732eull,  // 4: fd2, filename2 after filename (two-fd syscalls, pipes)
    0x2e815e34b662ae30ull,  // 5: ppid, uid, gid after tid; cgroup_id, cgroup, container_id after comm (who did it)
};

/// The schema version of the rows this build writes.
inline constexpr std::uint32_t kSchemaVersion = static_cast<std::uint32_t>(std::size(kSchemaFingerprints));

/// The Parquet key-value metadata key that carries kSchemaVersion (decimal).
inline constexpr std::string_view kSchemaVersionKey = "ior.schema_version";

}  // namespace ior::schema
