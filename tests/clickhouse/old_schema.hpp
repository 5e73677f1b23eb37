#pragma once
// Tables of earlier ior versions, for the upgrade tests. Two kinds, so that
// the tests depend on no particular column a later version adds:
//  - "the previous version's": the statements ior 0.1.0 itself generated,
//    frozen in tests/data/ior-0.1.0/*.sql (database __DB__, cluster
//    __CLUSTER__), whose row table has the 20 columns of schema version 1
//    (tests/schema/versions/v1.columns);
//  - "missing the last N columns": this version's statements with the row
//    table's last N schema columns left out.
// Targets that include this define IOR_DATA_0_1_0 and IOR_SCHEMA_VERSIONS_DIR.

#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "every_column_rows.hpp"
#include "schema/columns.hpp"

namespace ior::testing {

using ColumnList = std::vector<std::pair<std::string, std::string>>;

inline void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

/// The statements of tests/data/ior-0.1.0/<file> (legacy.sql, modern.sql,
/// legacy_cluster_shard.sql) for database db (and cluster).
inline std::vector<std::string> ior_0_1_0_statements(const std::string& file, const std::string& db,
                                                     const std::string& cluster = "") {
  std::ifstream in(std::string(IOR_DATA_0_1_0) + "/" + file);
  if (!in) throw std::runtime_error("cannot read tests/data/ior-0.1.0/" + file);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  replace_all(all, "__DB__", db);
  replace_all(all, "__CLUSTER__", cluster);
  std::vector<std::string> out;
  for (std::size_t start = 0, end; (end = all.find(";\n", start)) != std::string::npos; start = end + 2) {
    out.push_back(all.substr(start, end - start));
  }
  return out;
}

/// Schema version v's columns (tests/schema/versions/vN.columns): name and ClickHouse type.
inline ColumnList version_columns(std::uint32_t v) {
  const std::string file = "/v" + std::to_string(v) + ".columns";
  std::ifstream in(std::string(IOR_SCHEMA_VERSIONS_DIR) + file);
  if (!in) throw std::runtime_error("cannot read tests/schema/versions" + file);
  ColumnList out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    out.emplace_back(line.substr(0, line.find(' ')), line.substr(line.find(' ') + 1));
  }
  return out;
}

/// Schema version 1's columns (ior 0.1.0).
inline ColumnList v1_columns() { return version_columns(1); }

/// This version's columns.
inline ColumnList current_columns() {
  ColumnList out;
  for (const auto& c : schema::kColumnInfo) {
    out.emplace_back(std::string(c.name), std::string(schema::clickhouse_type_name(c.type)));
  }
  return out;
}

/// Names of the schema columns a table of `old` columns lacks, in schema order.
inline std::vector<std::string> columns_added_since(const ColumnList& old) {
  std::vector<std::string> out;
  for (const auto& [name, type] : current_columns()) {
    bool there = false;
    for (const auto& o : old) there = there || o.first == name;
    if (!there) out.push_back(name);
  }
  return out;
}

/// The columns the views read (schema_ddl.cpp): every table ior ever made
/// has them (schema version 1 had them all), so an older table lacks others.
inline bool read_by_views(const std::string& name) {
  for (const char* v : {"timestamp_ns", "pid", "tid", "comm", "syscall_name", "duration_ns", "hostname", "collection_id"}) {
    if (name == v) return true;
  }
  return false;
}

/// The names of the last n schema columns the views do not read: what a
/// table of an older ior lacks.
inline std::vector<std::string> last_columns(std::size_t n) {
  ColumnList all = current_columns();
  std::vector<std::string> out;
  for (auto it = all.rbegin(); it != all.rend() && out.size() < n; ++it) {
    if (!read_by_views(it->first)) out.insert(out.begin(), it->first);
  }
  return out;
}

/// This version's columns but last_columns(n): an older ior's table.
inline ColumnList columns_without_last(std::size_t n) {
  const auto cut = last_columns(n);
  ColumnList out;
  for (auto& c : current_columns()) {
    bool lacked = false;
    for (const auto& name : cut) lacked = lacked || name == c.first;
    if (!lacked) out.push_back(std::move(c));
  }
  return out;
}

/// True when name occurs in s as a whole word.
inline bool mentions(const std::string& s, const std::string& name) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = 0; (at = s.find(name, at)) != std::string::npos; ++at) {
    bool before = at > 0 && word(s[at - 1]);
    bool after = at + name.size() < s.size() && word(s[at + name.size()]);
    if (!before && !after) return true;
  }
  return false;
}

/// statements (of schema_statements()) with the row table's columns `names`
/// left out: their definition lines and any skip index on them. Throws when
/// another statement uses one of them (a view would then not be creatable).
inline std::vector<std::string> without_columns(std::vector<std::string> statements,
                                                const std::vector<std::string>& names) {
  const std::string first = "\n  `" + current_columns().front().first + "` ";
  for (const auto& name : names) {
    bool removed = false;
    for (auto& s : statements) {
      if (s.find(first) == std::string::npos) {  // not a row table
        if (mentions(s, name)) {
          throw std::runtime_error("column " + name + " is used by: " + s);
        }
        continue;
      }
      auto at = s.find("\n  `" + name + "` ");
      if (at == std::string::npos) throw std::runtime_error("no column " + name + " in: " + s);
      s.erase(at, s.find('\n', at + 1) - at);
      for (std::size_t idx; (idx = s.find(" " + name + " TYPE ")) != std::string::npos;) {
        auto line = s.rfind('\n', idx);
        s.erase(line, s.find('\n', idx) - line);
      }
      removed = true;
    }
    if (!removed) throw std::runtime_error("no row table in the statements");
  }
  return statements;
}

/// statements with the row table's last n schema columns left out.
inline std::vector<std::string> without_last_columns(std::vector<std::string> statements, std::size_t n) {
  return without_columns(std::move(statements), last_columns(n));
}

// --- rows of an older table, written by SQL, with values known here

inline bool is_integer_type(const std::string& type) {
  return type.rfind("UInt", 0) == 0 || type.rfind("Int", 0) == 0;
}

/// The value old row n has in column k (of name and type) of a table of
/// `cols`, as ClickHouse prints it; old_rows_insert() writes exactly these.
inline std::string old_value(const std::string& name, const std::string& type, std::size_t k, std::uint64_t ts0,
                             std::uint64_t n) {
  if (name == current_columns().front().first) return std::to_string(ts0 + n);  // the time: rows in order
  if (is_integer_type(type)) return std::to_string((n * 31 + k) % 200 + 1);
  if (type == "UUID") return "00000000-0000-0000-0000-" + std::to_string(100000000000ull + n);
  return "o" + std::to_string(k) + "-" + std::to_string(n % 5);  // String, LowCardinality(String)
}

/// INSERT INTO `db`.`table` (cols) SELECT ... : rows 0..count-1 of old_value().
inline std::string old_rows_insert(const std::string& db, const std::string& table, const ColumnList& cols,
                                   std::uint64_t ts0, std::size_t count) {
  std::string names, exprs;
  for (std::size_t k = 0; k < cols.size(); ++k) {
    const auto& [name, type] = cols[k];
    std::string e;
    if (k == 0) {
      e = "toUInt64(" + std::to_string(ts0) + " + number)";
    } else if (is_integer_type(type)) {
      e = "to" + type + "((number * 31 + " + std::to_string(k) + ") % 200 + 1)";
    } else if (type == "UUID") {
      e = "toUUID(concat('00000000-0000-0000-0000-', toString(100000000000 + number)))";
    } else {
      e = "concat('o" + std::to_string(k) + "-', toString(number % 5))";
    }
    names += (k == 0 ? "" : ", ") + name;
    exprs += (k == 0 ? "" : ", ") + e + " AS " + name;
  }
  return "INSERT INTO `" + db + "`.`" + table + "` (" + names + ") SELECT " + exprs + " FROM system.numbers LIMIT " +
         std::to_string(count);
}

/// Every schema column of old row n, in schema order, as ClickHouse prints
/// it: old_value() where the old table had the column, elsewhere the
/// column's DEFAULT (EventRow{}'s value).
inline std::vector<std::string> expected_old_row(const ColumnList& cols, std::uint64_t ts0, std::uint64_t n) {
  std::vector<std::string> out = row_text(schema::EventRow{});  // every column's DEFAULT
  std::size_t i = 0;
  for (const auto& c : schema::kColumnInfo) {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (cols[k].first == c.name) out[i] = old_value(cols[k].first, cols[k].second, k, ts0, n);
    }
    ++i;
  }
  return out;
}

}  // namespace ior::testing
