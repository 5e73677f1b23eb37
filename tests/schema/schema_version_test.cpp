// The schema version cannot be forgotten: kColumns must be exactly the
// column list of the last version in src/schema/schema_version.hpp, and every
// version's list is committed (tests/schema/versions/vN.columns) with the
// fingerprint recorded for it. Version 1 is also the column list of the DDL
// ior 0.1.0 generated (tests/data/ior-0.1.0), which the upgrade tests use as
// "the previous version's table".

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "schema/schema_version.hpp"

namespace ior::schema {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;

std::string versions_file(std::uint32_t v) {
  return std::string(IOR_SCHEMA_VERSIONS_DIR) + "/v" + std::to_string(v) + ".columns";
}

// "name Type" lines; '#' lines are comments.
Columns read_columns(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Columns out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.find(' ');
    if (space == std::string::npos) throw std::runtime_error(path + ": not 'name Type': " + line);
    out.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return out;
}

Columns current_columns() {
  Columns out;
  for (const auto& c : kColumnInfo) out.emplace_back(std::string(c.name), std::string(clickhouse_type_name(c.type)));
  return out;
}

std::uint64_t fingerprint(const Columns& cols) {
  ColumnsFingerprint f;
  for (const auto& [name, type] : cols) f.add(name, type);
  return f.value();
}

std::string as_lines(const Columns& cols) {
  std::string out;
  for (const auto& [name, type] : cols) out += name + " " + type + "\n";
  return out;
}

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llxull", static_cast<unsigned long long>(v));
  return buf;
}

TEST(SchemaVersion, KColumnsIsTheLastVersionsColumnList) {
  const Columns now = current_columns();
  EXPECT_EQ(current_columns_fingerprint(), fingerprint(now));  // the constexpr one hashes the same lines
  EXPECT_EQ(current_columns_fingerprint(), kSchemaFingerprints[kSchemaVersion - 1])
      << "kColumns changed since schema version " << kSchemaVersion << ". Make it version " << kSchemaVersion + 1
      << ": append " << hex(current_columns_fingerprint())
      << " to kSchemaFingerprints in src/schema/schema_version.hpp and commit " << versions_file(kSchemaVersion + 1)
      << " with these lines (never edit an earlier version's file or fingerprint):\n"
      << as_lines(now);
  EXPECT_EQ(as_lines(read_columns(versions_file(kSchemaVersion))), as_lines(now));
}

TEST(SchemaVersion, EveryVersionsColumnListIsCommittedWithItsFingerprint) {
  for (std::uint32_t v = 1; v <= kSchemaVersion; ++v) {
    SCOPED_TRACE(versions_file(v));
    ASSERT_TRUE(std::filesystem::exists(versions_file(v)));
    EXPECT_EQ(hex(fingerprint(read_columns(versions_file(v)))), hex(kSchemaFingerprints[v - 1]))
        << "a committed version's column list or fingerprint was edited";
  }
  EXPECT_FALSE(std::filesystem::exists(versions_file(kSchemaVersion + 1)))
      << "a column list for a version that kSchemaFingerprints does not declare";
}

TEST(SchemaVersion, AnyChangeOfTheColumnListChangesTheFingerprint) {
  const Columns v1 = read_columns(versions_file(1));
  ASSERT_EQ(v1.size(), 20u);
  Columns added = v1;
  added.emplace_back("bytes", "UInt64");
  Columns inserted = v1;
  inserted.insert(inserted.begin() + 9, {"bytes", "UInt64"});
  Columns retyped = v1;
  retyped[9].second = "Int64";
  Columns swapped = v1;
  std::swap(swapped[1], swapped[2]);
  Columns renamed = v1;
  renamed[2].first = "thread";
  for (const Columns* c : {&added, &inserted, &retyped, &swapped, &renamed}) {
    EXPECT_NE(fingerprint(*c), kSchemaFingerprints[0]) << as_lines(*c);
  }
  // Names and types are separated: "ab c" and "a bc" differ.
  EXPECT_NE(fingerprint({{"ab", "c"}}), fingerprint({{"a", "bc"}}));
}

// The CREATE TABLE of the events table in ior 0.1.0's legacy DDL: its
// "  `name` Type," lines up to ingested_at (a server-side column).
Columns columns_of_0_1_0_ddl() {
  std::ifstream in(std::string(IOR_DATA_0_1_0) + "/legacy.sql");
  Columns out;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.find("CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events` (") == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.find("  `ingested_at`") == 0) break;
    auto close = line.find('`', 3);
    std::string type = line.substr(close + 2);
    if (!type.empty() && type.back() == ',') type.pop_back();
    out.emplace_back(line.substr(3, close - 3), type);
  }
  return out;
}

TEST(SchemaVersion, VersionOneIsTheColumnListOfIor010) {
  const Columns ddl = columns_of_0_1_0_ddl();
  ASSERT_EQ(ddl.size(), 20u);
  EXPECT_EQ(ddl.front().first, "timestamp_ns");
  EXPECT_EQ(ddl.back().first, "collection_id");
  EXPECT_EQ(as_lines(read_columns(versions_file(1))), as_lines(ddl));
}

}  // namespace
}  // namespace ior::schema
