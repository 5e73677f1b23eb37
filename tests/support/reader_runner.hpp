#pragma once
// Runs SQL in chDB (ClickHouse 26.x) or DuckDB through tests/readers/query.mjs
// and returns the rows as JSON lines. These readers are independent of ior:
// whatever they read back is what any user's tool would see.

#include <string>
#include <vector>

namespace ior::testing {

/// True when node and tests/readers/node_modules are there. Otherwise tests
/// skip, or under CI=true fail (the setup script must have installed them).
bool readers_available(std::string* why);

/// JSON lines of the last statement's result (statements separated by ";\n").
std::vector<std::string> reader_query(const std::string& engine, const std::string& sql);

/// The value of "key" in one JSON line (simple escapes only: \/ \" \\).
std::string json_field(const std::string& line, const std::string& key);

}  // namespace ior::testing

#define IOR_REQUIRE_READERS()                                        \
  do {                                                               \
    std::string why_;                                                \
    if (!::ior::testing::readers_available(&why_)) {                 \
      if (::ior::testing::in_ci()) FAIL() << why_;                   \
      GTEST_SKIP() << why_;                                          \
    }                                                                \
  } while (0)
