#include "clickhouse/schema_upgrade.hpp"

#include <algorithm>

#include "schema/columns.hpp"

namespace ior::clickhouse {
namespace {

const ExistingColumn* find_column(const std::vector<ExistingColumn>& cols, std::string_view name) {
  auto it = std::find_if(cols.begin(), cols.end(), [&](const ExistingColumn& c) { return c.name == name; });
  return it == cols.end() ? nullptr : &*it;
}

bool in_schema(std::string_view name) {
  return std::any_of(schema::kColumnInfo.begin(), schema::kColumnInfo.end(),
                     [&](const schema::ColumnInfo& c) { return c.name == name; });
}

std::string other_table_advice(const std::string& where) {
  return "rename it (RENAME TABLE " + where + " TO " + where + "_old) and ior creates a new one, "
         "or write to another table with -ch-table";
}

std::string add_column(SchemaVariant v, RowTable t, const schema::ColumnInfo& c, std::string_view after) {
  std::string s = "ADD COLUMN ";
  if (v == SchemaVariant::kModern) s += "IF NOT EXISTS ";
  s += quote_identifier(c.name) + " " + std::string(schema::clickhouse_type_name(c.type)) + " DEFAULT " +
       column_default(c);
  // A Distributed table stores nothing: a codec there would mean nothing.
  if (t == RowTable::kStorage) s += column_codec(v, c);
  return s + " AFTER " + quote_identifier(after);
}

// The server's insert time, last, as CREATE TABLE makes it (schema_ddl.cpp).
std::string add_ingested_at(SchemaVariant v, RowTable t, std::string_view after) {
  std::string s = "ADD COLUMN ";
  if (v == SchemaVariant::kModern) {
    s += "IF NOT EXISTS `ingested_at` DateTime64(3) DEFAULT now64(3)";
    if (t == RowTable::kStorage) s += " CODEC(DoubleDelta, ZSTD(3))";
  } else {
    s += "`ingested_at` DateTime DEFAULT now()";
  }
  return s + " AFTER " + quote_identifier(after);
}

// --- reading back the statements of schema_ddl.cpp

// A backquoted identifier at s[i] (quote_identifier's escapes undone); i is
// moved past it. nullopt when s[i] does not start one.
std::optional<std::string> read_identifier(std::string_view s, std::size_t& i) {
  if (i >= s.size() || s[i] != '`') return std::nullopt;
  std::string out;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else if (s[i] == '`') {
      ++i;
      return out;
    } else {
      out += s[i];
    }
  }
  return std::nullopt;
}

bool skip(std::string_view s, std::size_t& i, std::string_view word) {
  if (s.substr(i, word.size()) != word) return false;
  i += word.size();
  return true;
}

// `db`.`name` at s[i]: the name.
std::optional<std::string> read_qualified(std::string_view s, std::size_t& i) {
  if (!read_identifier(s, i) || !skip(s, i, ".")) return std::nullopt;
  return read_identifier(s, i);
}

// "  `name` Type[ DEFAULT ...][ CODEC(...)][,]" -> (name, Type)
std::optional<std::pair<std::string, std::string>> column_line(std::string_view line) {
  std::size_t i = 0;
  if (!skip(line, i, "  ")) return std::nullopt;
  auto name = read_identifier(line, i);
  if (!name || !skip(line, i, " ")) return std::nullopt;
  std::string_view type = line.substr(i);
  if (!type.empty() && type.back() == ',') type.remove_suffix(1);
  for (std::string_view cut : {std::string_view(" DEFAULT "), std::string_view(" CODEC(")}) {
    auto at = type.find(cut);
    if (at != std::string_view::npos) type = type.substr(0, at);
  }
  return std::make_pair(*name, std::string(type));
}

}  // namespace

std::string row_table(const SchemaOptions& o, RowTable t) {
  return t == RowTable::kStorage ? storage_table(o) : o.table;
}

ColumnsUpgrade plan_columns_upgrade(SchemaVariant v, const SchemaOptions& o, RowTable t,
                                    const std::vector<ExistingColumn>& existing) {
  ColumnsUpgrade out;
  const std::string where = o.database + "." + row_table(o, t);
  std::vector<std::string> clauses;
  std::string_view previous;
  for (const auto& c : schema::kColumnInfo) {
    const std::string want(schema::clickhouse_type_name(c.type));
    if (const ExistingColumn* e = find_column(existing, c.name)) {
      if (e->type != want) {
        out.refusal = "column " + std::string(c.name) + " is " + e->type + " in " + where + ", ior writes " + want +
                      ": ior changes no column's type; " + other_table_advice(where);
        return out;
      }
    } else if (previous.empty()) {
      out.refusal = "column " + std::string(c.name) + ", the first of ior's columns, is missing in " + where +
                    ": not a table of ior; " + other_table_advice(where);
      return out;
    } else {
      out.added.emplace_back(c.name);
      clauses.push_back(add_column(v, t, c, previous));
    }
    previous = c.name;
  }
  if (find_column(existing, "ingested_at") == nullptr) {
    out.added.emplace_back("ingested_at");
    clauses.push_back(add_ingested_at(v, t, previous));
  }
  for (const auto& e : existing) {
    if (in_schema(e.name) || e.has_default) continue;
    out.refusal = "column " + e.name + " (" + e.type + ") of " + where +
                  " has no DEFAULT and ior does not write it: give it one (ALTER TABLE " + where + " MODIFY COLUMN " +
                  e.name + " " + e.type + " DEFAULT ...) or drop it (ALTER TABLE " + where + " DROP COLUMN " + e.name +
                  "), or write to another table with -ch-table";
    out.added.clear();
    return out;
  }
  if (clauses.empty()) return out;
  out.statement = "ALTER TABLE " + quote_identifier(o.database) + "." + quote_identifier(row_table(o, t));
  if (!o.cluster.empty() && o.on_cluster) out.statement += " ON CLUSTER " + quote_identifier(o.cluster);
  for (std::size_t i = 0; i < clauses.size(); ++i) out.statement += (i == 0 ? " " : ", ") + clauses[i];
  return out;
}

std::optional<std::string> engine_refusal(const SchemaOptions& o, RowTable t, std::string_view engine) {
  const std::string where = o.database + "." + row_table(o, t);
  if (t == RowTable::kDistributed) {
    if (engine == "Distributed") return std::nullopt;
    return where + " is a " + std::string(engine) + " table; with -ch-cluster ior writes through a Distributed table " +
           "over " + o.database + "." + storage_table(o) + ": run without -ch-cluster (the table was made for one " +
           "server), or " + other_table_advice(where);
  }
  // A replicated table made by hand is fine (docs/CLICKHOUSE.md); other
  // MergeTree engines would merge rows (Summing, Replacing, Collapsing...).
  if (engine == "MergeTree" || engine == "ReplicatedMergeTree") return std::nullopt;
  if (engine == "Distributed" && o.cluster.empty()) {
    return where + " is a Distributed table: run with -ch-cluster NAME (the table was made for a cluster), or " +
           other_table_advice(where);
  }
  return where + " is a " + std::string(engine) + " table, ior stores its rows in a MergeTree: " +
         other_table_advice(where);
}

std::vector<GeneratedTable> generated_tables(const std::vector<std::string>& statements) {
  std::vector<GeneratedTable> out;
  for (const std::string& s : statements) {
    std::size_t i = 0;
    if (!skip(s, i, "CREATE TABLE IF NOT EXISTS ")) continue;
    auto name = read_qualified(s, i);
    if (!name) continue;
    if (skip(s, i, " ON CLUSTER ") && !read_identifier(s, i)) continue;
    GeneratedTable t{*name, {}, {}};
    if (skip(s, i, " AS ")) {
      auto like = read_qualified(s, i);
      if (!like) continue;
      t.as = *like;
      auto it = std::find_if(out.begin(), out.end(), [&](const GeneratedTable& g) { return g.name == t.as; });
      if (it != out.end()) t.columns = it->columns;
    } else if (skip(s, i, " (\n")) {
      std::size_t end = 0;
      for (; i < s.size() && s[i] != ')'; i = end + 1) {
        end = s.find('\n', i);
        if (end == std::string::npos) end = s.size();
        if (auto col = column_line(std::string_view(s).substr(i, end - i))) t.columns.push_back(*col);
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<std::string> view_table_difference(const GeneratedTable& want, const std::vector<ExistingColumn>& existing) {
  std::string lacks, other_type, extra;
  for (const auto& [name, type] : want.columns) {
    const ExistingColumn* e = find_column(existing, name);
    if (!e) {
      lacks += (lacks.empty() ? "" : ", ") + name + " " + type;
    } else if (e->type != type) {
      other_type += (other_type.empty() ? "" : ", ") + name + " is " + e->type + " (now " + type + ")";
    }
  }
  for (const auto& e : existing) {
    bool wanted = std::any_of(want.columns.begin(), want.columns.end(), [&](const auto& w) { return w.first == e.name; });
    if (!wanted) extra += (extra.empty() ? "" : ", ") + e.name;
  }
  std::string out;
  if (!lacks.empty()) out += "lacks " + lacks;
  if (!other_type.empty()) out += (out.empty() ? "" : "; ") + other_type;
  if (!extra.empty()) out += (out.empty() ? "" : "; ") + std::string("has ") + extra + " (no longer defined)";
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace ior::clickhouse
