#pragma once
// How a table an earlier ior created is brought up to this version's schema
// (src/schema/columns.hpp): pure functions of what system.tables and
// system.columns report; schema_prepare.cpp runs what they return.
//
//  - Every schema column the table lacks is added, in schema order, in one
//    ALTER TABLE per table: ADD COLUMN <name> <type> DEFAULT <zero> [CODEC]
//    AFTER <the previous schema column>. Modern servers get ADD COLUMN IF
//    NOT EXISTS; 18.16 knows neither IF NOT EXISTS, FIRST nor CODEC (tried on
//    the real server). The DEFAULT is the one CREATE TABLE gives the column
//    (column_default(): what ior writes when it knows nothing, e.g. 0, '',
//    -1 for an fd), so rows written before read it and an upgraded table
//    equals a new one.
//  - Anything else that differs is refused before anything is changed, with
//    one line naming the difference and the fix: a column of another type, a
//    column ior does not write that has no DEFAULT, a missing first column
//    (nothing to add it AFTER: not a table of ior), a table of another engine.
//  - The views' tables are only compared: a difference is reported, the view
//    and its table are left as they are (docs/CLICKHOUSE.md says why).
// Nothing here names a column: a column added to kColumns is upgraded with
// no change in this module.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clickhouse/schema_ddl.hpp"

namespace ior::clickhouse {

/// One row of system.columns.
struct ExistingColumn {
  std::string name;
  std::string type;
  bool has_default = false;  ///< default_kind is not empty (DEFAULT, MATERIALIZED, ALIAS)
};

/// Which of ior's row tables.
enum class RowTable {
  kStorage,      ///< stores the rows: <table>, or <table>_local on every shard
  kDistributed,  ///< with a cluster: <table>, a Distributed table over <table>_local
};

/// The table's unquoted name: storage_table(o) or o.table.
std::string row_table(const SchemaOptions& o, RowTable t);

/// What bringing one existing row table to the schema takes.
struct ColumnsUpgrade {
  std::vector<std::string> added;      ///< schema columns the table lacks, in schema order
  std::string statement;               ///< the ALTER TABLE adding them; empty when none is missing
  std::optional<std::string> refusal;  ///< the difference no upgrade fixes, and what to do
};

ColumnsUpgrade plan_columns_upgrade(SchemaVariant v, const SchemaOptions& o, RowTable t,
                                    const std::vector<ExistingColumn>& existing);

/// nullopt when an existing table of this engine (system.tables.engine) can
/// be the row table t; else why not and what to do.
std::optional<std::string> engine_refusal(const SchemaOptions& o, RowTable t, std::string_view engine);

/// A table that statements of schema_statements() create, with its columns
/// (name, type as system.columns reports them).
struct GeneratedTable {
  std::string name;  ///< unquoted, without the database
  std::string as;    ///< the table it is created AS (a Distributed one), else empty
  std::vector<std::pair<std::string, std::string>> columns;
};

/// Every table the statements create, in their order; a table created `AS`
/// another gets that one's columns. Views and databases are skipped.
std::vector<GeneratedTable> generated_tables(const std::vector<std::string>& statements);

/// nullopt when an existing view table has the columns this version defines
/// (same names and types); else e.g. "lacks total_bytes UInt64".
std::optional<std::string> view_table_difference(const GeneratedTable& want, const std::vector<ExistingColumn>& existing);

}  // namespace ior::clickhouse
