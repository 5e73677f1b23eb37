#include "clickhouse/schema_prepare.hpp"

#include <algorithm>
#include <optional>

#include "base/error.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/schema_upgrade.hpp"
#include "clickhouse/setup_refused.hpp"

namespace ior::clickhouse {
namespace {

SchemaVariant variant_of(const Connection& c) {
  return choose_variant({c.server().major, c.server().minor, c.server().patch});
}

QueryOptions ddl_options(SchemaVariant v) {
  QueryOptions q;
  for (const auto& [name, value] : schema_settings(v)) q.settings.push_back({name, value, true});
  return q;
}

std::string host_of(const Connection& c) { return c.options().host + ":" + std::to_string(c.options().port); }

// Empty when the table does not exist (a table has at least one column).
std::vector<ExistingColumn> columns_of(Connection& c, const std::string& db, const std::string& table) {
  QueryResult r = c.query("SELECT name, type, default_kind FROM system.columns WHERE database = " + quote_literal(db) +
                          " AND table = " + quote_literal(table));
  std::vector<ExistingColumn> out;
  for (const auto& b : r.blocks) {
    const auto& names = columns::column_as<columns::StringColumn>(b.column("name"));
    const auto& types = columns::column_as<columns::StringColumn>(b.column("type"));
    const auto& kinds = columns::column_as<columns::StringColumn>(b.column("default_kind"));
    for (std::size_t i = 0; i < b.rows(); ++i) {
      out.push_back({std::string(names.at(i)), std::string(types.at(i)), !kinds.at(i).empty()});
    }
  }
  return out;
}

std::optional<std::string> engine_of(Connection& c, const std::string& db, const std::string& table) {
  QueryResult r = c.query("SELECT engine, engine_full FROM system.tables WHERE database = " + quote_literal(db) +
                          " AND name = " + quote_literal(table));
  for (const auto& b : r.blocks) {
    if (b.rows() > 0) return std::string(columns::column_as<columns::StringColumn>(b.column("engine")).at(0));
  }
  return std::nullopt;
}

// Why the row table t on c (if it exists) cannot hold ior's rows.
std::optional<std::string> refusal_of(Connection& c, const SchemaOptions& o, RowTable t) {
  auto engine = engine_of(c, o.database, row_table(o, t));
  if (!engine) return std::nullopt;
  if (auto why = engine_refusal(o, t, *engine)) return why;
  return plan_columns_upgrade(variant_of(c), o, t, columns_of(c, o.database, row_table(o, t))).refusal;
}

// Lines of the report, each with the servers it happened on.
class Lines {
 public:
  void add(const std::string& line, const std::string& host) {
    auto it = std::find_if(lines_.begin(), lines_.end(), [&](const auto& l) { return l.first == line; });
    if (it == lines_.end()) it = lines_.insert(lines_.end(), {line, {}});
    it->second.push_back(host);
  }
  void append_to(std::vector<std::string>& out, bool with_hosts) const {
    for (const auto& [line, hosts] : lines_) {
      std::string s = line;
      for (std::size_t i = 0; with_hosts && i < hosts.size(); ++i) s += (i == 0 ? " on " : ", ") + hosts[i];
      out.push_back(s);
    }
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> lines_;
};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void upgrade_row_table(Connection& c, const SchemaOptions& o, RowTable t, Lines& upgraded) {
  const SchemaVariant v = variant_of(c);
  const std::string where = o.database + "." + row_table(o, t);
  for (int attempt = 1;; ++attempt) {
    auto existing = columns_of(c, o.database, row_table(o, t));
    if (existing.empty()) return;  // not there: the CREATE statements make it
    ColumnsUpgrade plan = plan_columns_upgrade(v, o, t, existing);
    if (plan.refusal) throw SetupRefused("clickhouse: " + *plan.refusal + "; nothing written");
    if (plan.added.empty()) return;
    try {
      c.query(plan.statement, ddl_options(v));
      upgraded.add("added columns " + joined(plan.added) + " to " + where + " (earlier rows read 0 or '' in them)",
                   host_of(c));
      return;
    } catch (const protocol::ServerException& e) {
      // 18.16 has no ADD COLUMN IF NOT EXISTS: an ior starting at the same
      // time may have added some of the columns first. Look again.
      if (attempt == 3) {
        throw Error("clickhouse: adding columns " + joined(plan.added) + " to " + where + " on " + host_of(c) +
                    " failed: " + e.what() + "; nothing written");
      }
    }
  }
}

void create_missing(Connection& c, const SchemaOptions& o) {
  const SchemaVariant v = variant_of(c);
  const QueryOptions q = ddl_options(v);
  for (const auto& stmt : schema_statements(v, o)) c.query(stmt, q);
}

// The check ior made before it could upgrade, now on the upgraded table.
void check_row_table(Connection& c, const SchemaOptions& o, RowTable t) {
  SchemaOptions named = o;
  if (t == RowTable::kDistributed) named.cluster.clear();  // structure_difference() names storage_table()
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::string> without_default;
  for (const auto& e : columns_of(c, o.database, row_table(o, t))) {
    columns.emplace_back(e.name, e.type);
    if (!e.has_default) without_default.push_back(e.name);
  }
  if (auto diff = structure_difference(columns, named, without_default)) {
    throw SetupRefused("clickhouse: " + *diff + " on " + host_of(c) + " after the upgrade; nothing written");
  }
}

// The view that writes into a view table: <base>_mv for <base>[_local],
// without the database.
std::string view_name_of(const SchemaOptions& o, std::string table) {
  const std::string local = "_local";
  if (!o.cluster.empty() && table.ends_with(local)) table.resize(table.size() - local.size());
  return table + "_mv";
}

std::string view_of(const SchemaOptions& o, const std::string& table) {
  return o.database + "." + view_name_of(o, table);
}

// The view tables this version makes: the generated tables but the row
// tables and those made AS another (a Distributed table over a view table).
std::vector<GeneratedTable> view_tables(const Connection& c, const SchemaOptions& o) {
  std::vector<GeneratedTable> out;
  for (auto& t : generated_tables(schema_statements(variant_of(c), o))) {
    if (t.name == row_table(o, RowTable::kStorage) || t.name == row_table(o, RowTable::kDistributed)) continue;
    if (!t.as.empty()) continue;
    out.push_back(std::move(t));
  }
  return out;
}

// Why a view table that exists without its view cannot become one: ior
// would create the view over a table of another definition (someone
// else's), and every INSERT into the row table would then fail on the
// server while pushing to the view. An earlier ior's view table comes with
// its view, and both are left as they are (compare_view_tables).
std::optional<std::string> foreign_view_table(Connection& c, const SchemaOptions& o) {
  for (const auto& want : view_tables(c, o)) {
    auto existing = columns_of(c, o.database, want.name);
    if (existing.empty() || engine_of(c, o.database, view_name_of(o, want.name))) continue;
    if (auto diff = view_table_difference(want, existing)) {
      return o.database + "." + want.name + " exists on " + host_of(c) + " without its view " +
             view_of(o, want.name) + " and is not the table ior would make (" + *diff +
             "): rename or drop it, or choose another -ch-table";
    }
  }
  return std::nullopt;
}

void compare_view_tables(Connection& c, const SchemaOptions& o, Lines& notes) {
  for (const auto& want : view_tables(c, o)) {
    auto existing = columns_of(c, o.database, want.name);
    if (existing.empty()) continue;
    if (auto diff = view_table_difference(want, existing)) {
      notes.add("view " + view_of(o, want.name) + " writes to a table of an earlier ior (" + o.database + "." +
                    want.name + " " + *diff + "); both left as they are and still filled the old way " +
                    "(docs/CLICKHOUSE.md, \"Views of an earlier ior\")",
                host_of(c));
    }
  }
}

}  // namespace

TablesReport prepare_tables(const std::vector<Connection*>& servers, const SchemaOptions& schema) {
  SchemaOptions o = schema;
  const bool cluster = !o.cluster.empty();
  if (cluster) o.on_cluster = false;  // each server is prepared here, one by one
  TablesReport report;
  report.created = true;
  // 1. Refuse before anything changes anywhere.
  for (Connection* c : servers) {
    if (auto why = refusal_of(*c, o, RowTable::kStorage)) throw SetupRefused("clickhouse: " + *why + "; nothing written");
    if (cluster) {
      if (auto why = refusal_of(*c, o, RowTable::kDistributed)) throw SetupRefused("clickhouse: " + *why + "; nothing written");
    }
    if (auto why = foreign_view_table(*c, o)) throw SetupRefused("clickhouse: " + *why + "; nothing written");
    if (engine_of(*c, o.database, row_table(o, RowTable::kStorage))) report.created = false;
  }
  Lines upgraded, notes;
  // 2. The tables that hold the rows.
  for (Connection* c : servers) upgrade_row_table(*c, o, RowTable::kStorage, upgraded);
  // 3. What is missing (a new Distributed table is made AS the upgraded one).
  for (Connection* c : servers) create_missing(*c, o);
  // 4. Distributed tables only once every shard has the columns.
  if (cluster) {
    for (Connection* c : servers) upgrade_row_table(*c, o, RowTable::kDistributed, upgraded);
  }
  // 5. Check again; report the views' tables of another definition.
  for (Connection* c : servers) {
    check_row_table(*c, o, RowTable::kStorage);
    if (cluster) check_row_table(*c, o, RowTable::kDistributed);
    compare_view_tables(*c, o, notes);
  }
  upgraded.append_to(report.upgraded, servers.size() > 1);
  notes.append_to(report.notes, servers.size() > 1);
  return report;
}

}  // namespace ior::clickhouse
