#include "clickhouse/insert_deduplication.hpp"

#include <cctype>
#include <charconv>
#include <optional>

#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/schema_ddl.hpp"

namespace ior::clickhouse {

bool server_takes_dedup_token(std::uint64_t major, std::uint64_t minor) { return major > 22 || (major == 22 && minor >= 2); }

namespace {

// The value of "name = N" in the SETTINGS of engine_full.
std::optional<unsigned long long> setting_value(std::string_view engine_full, std::string_view name) {
  auto at = engine_full.find(" SETTINGS ");
  while (at != std::string_view::npos) {
    auto pos = engine_full.find(name, at);
    if (pos == std::string_view::npos) return std::nullopt;
    // A whole setting name: not the tail of a longer one.
    bool starts = pos > 0 && (engine_full[pos - 1] == ' ' || engine_full[pos - 1] == ',');
    std::size_t p = pos + name.size();
    if (starts) {
      while (p < engine_full.size() && engine_full[p] == ' ') ++p;
      if (p < engine_full.size() && engine_full[p] == '=') {
        ++p;
        while (p < engine_full.size() && engine_full[p] == ' ') ++p;
        unsigned long long v = 0;
        auto [end, ec] = std::from_chars(engine_full.data() + p, engine_full.data() + engine_full.size(), v);
        if (ec == std::errc()) return v;
      }
    }
    at = pos + name.size();
  }
  return std::nullopt;
}

}  // namespace

bool engine_deduplicates(std::string_view engine, std::string_view engine_full) {
  if (!engine.ends_with("MergeTree")) return false;
  if (engine.starts_with("Replicated")) {
    // On by default; a table may have turned it off.
    return setting_value(engine_full, "replicated_deduplication_window").value_or(1) > 0;
  }
  return setting_value(engine_full, "non_replicated_deduplication_window").value_or(0) > 0;
}

bool inserts_deduplicate(Connection& conn, const std::string& db, const std::string& table) {
  if (!server_takes_dedup_token(conn.server().major, conn.server().minor)) return false;
  QueryResult r = conn.query("SELECT engine, engine_full FROM system.tables WHERE database = " + quote_literal(db) +
                             " AND name = " + quote_literal(table));
  for (const auto& b : r.blocks) {
    if (b.rows() == 0) continue;
    return engine_deduplicates(columns::column_as<columns::StringColumn>(b.column("engine")).at(0),
                               columns::column_as<columns::StringColumn>(b.column("engine_full")).at(0));
  }
  return false;
}

}  // namespace ior::clickhouse
