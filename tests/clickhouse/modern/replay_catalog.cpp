#include "replay_catalog.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

namespace ior::testing::chreplay {
namespace {

// "`db`.`t`" or "db.t" -> "db.t"
std::string unquote_name(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '`') out += c;
  }
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \n\t");
  auto e = s.find_last_not_of(" \n\t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The type at the start of s: up to the first space or comma outside parentheses.
std::string leading_type(const std::string& s) {
  int depth = 0;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ' ' || c == ',')) break;
  }
  return s.substr(0, i);
}

ServerError error(std::int32_t code, const std::string& message) {
  return {.code = code, .message = message, .stack_trace = "0. DB::Exception::Exception() @ 0x000000000d2c9a5b"};
}

}  // namespace

void Catalog::set_fault(std::function<InsertFault(std::size_t)> fault) {
  std::lock_guard lock(mu_);
  fault_ = std::move(fault);
}

void Catalog::answer(Exchange& ex) {
  const std::string sql = trim(ex.query().text);
  {
    std::lock_guard lock(mu_);
    statements_.push_back(sql);
  }
  if (sql.starts_with("CREATE DATABASE IF NOT EXISTS ")) {
    {
      std::lock_guard lock(mu_);
      std::string name = trim(sql.substr(30));
      databases_.insert(unquote_name(name.substr(0, name.find(' '))));
    }
    ex.reply_done();
  } else if (sql.starts_with("CREATE MATERIALIZED VIEW") || sql.starts_with("CREATE VIEW")) {
    ex.reply_done();
  } else if (sql.starts_with("CREATE TABLE")) {
    create_table(ex, sql);
  } else if (sql.starts_with("SELECT name, type, default_kind FROM system.columns")) {
    system_columns(ex, sql);
  } else if (sql.starts_with("INSERT INTO")) {
    insert(ex, sql);
  } else if (sql.starts_with("SELECT engine, engine_full FROM system.tables")) {
    system_tables(ex, sql);
  } else if (sql.starts_with("SELECT count() FROM system.processes WHERE query_id LIKE ")) {
    // Every INSERT here is stored or refused before its connection's next
    // packet is read, so none is still running when another connection asks.
    Block header = header_block({{"count()", "UInt64"}});
    Block result = header;
    result.columns[0].values.push_back("0");
    result.rows = 1;
    ex.reply_rows(header, {result});
  } else if (sql.starts_with("SELECT tid, timestamp_ns, count() FROM")) {
    count_keys(ex, sql);
  } else {
    {
      std::lock_guard lock(mu_);
      unknown_.push_back(sql);
    }
    ex.reply_error(error(62, "Syntax error: the replay catalog does not know: " + sql + " (SYNTAX_ERROR)"));
  }
}

void Catalog::create_table(Exchange& ex, const std::string& sql) {
  static const std::regex head(R"(^CREATE TABLE IF NOT EXISTS (\S+) \()");
  std::smatch m;
  if (!std::regex_search(sql, m, head)) {  // e.g. a Distributed "AS" table: not replayed
    std::lock_guard lock(mu_);
    unknown_.push_back(sql);
    ex.reply_error(error(62, "Syntax error: not replayed: " + sql));
    return;
  }
  Table t;
  std::size_t pos = 0;
  while ((pos = sql.find("\n  `", pos)) != std::string::npos) {
    pos += 4;
    auto close = sql.find('`', pos);
    std::string name = sql.substr(pos, close - pos);
    auto eol = sql.find('\n', close);
    std::string rest = sql.substr(close + 2, eol - close - 2);
    t.columns.emplace_back(name, leading_type(rest));
    if (auto d = rest.find(" DEFAULT "); d != std::string::npos) {
      t.defaults.emplace_back(name, leading_type(rest.substr(d + 9)));
    }
  }
  if (auto e = sql.find(") ENGINE = "); e != std::string::npos) {
    t.engine_full = sql.substr(e + 11);
    std::replace(t.engine_full.begin(), t.engine_full.end(), '\n', ' ');
  }
  {
    std::lock_guard lock(mu_);
    tables_.try_emplace(unquote_name(m[1]), std::move(t));  // IF NOT EXISTS
  }
  ex.reply_done();
}

void Catalog::system_columns(Exchange& ex, const std::string& sql) {
  static const std::regex where(R"(database = '([^']*)' AND table = '([^']*)')");
  std::smatch m;
  Block header = header_block({{"name", "String"}, {"type", "String"}, {"default_kind", "String"}});
  if (!std::regex_search(sql, m, where)) {
    ex.reply_error(error(62, "Syntax error: not replayed: " + sql));
    return;
  }
  Block rows = header;
  {
    std::lock_guard lock(mu_);
    auto it = tables_.find(std::string(m[1]) + "." + std::string(m[2]));
    if (it != tables_.end()) {
      for (const auto& [name, type] : it->second.columns) {
        std::string kind;
        for (const auto& d : it->second.defaults) {
          if (d.first == name) kind = "DEFAULT";
        }
        rows.columns[0].values.push_back(name);
        rows.columns[1].values.push_back(type);
        rows.columns[2].values.push_back(kind);
        ++rows.rows;
      }
    }
  }
  std::vector<Block> blocks;
  if (rows.rows > 0) blocks.push_back(std::move(rows));
  ex.reply_rows(header, blocks);
}

void Catalog::insert(Exchange& ex, const std::string& sql) {
  static const std::regex form(R"(^INSERT INTO (\S+) \((.*)\) VALUES$)");
  std::smatch m;
  if (!std::regex_match(sql, m, form)) {
    ex.reply_error(error(62, "Syntax error: not replayed: " + sql));
    return;
  }
  const std::string table = unquote_name(m[1]);
  Block header;
  std::string description;
  InsertFault fault = InsertFault::kNone;
  {
    std::lock_guard lock(mu_);
    auto it = tables_.find(table);
    if (it == tables_.end()) {
      ex.reply_error(error(60, "Table " + table + " does not exist. (UNKNOWN_TABLE)"));
      return;
    }
    std::string list = m[2];
    std::size_t start = 0;
    while (start <= list.size()) {
      auto comma = list.find(',', start);
      std::string col = trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      std::string type;
      for (const auto& [name, t] : it->second.columns) {
        if (name == unquote_name(col)) type = t;
      }
      if (type.empty()) {
        ex.reply_error(error(16, "No such column " + col + " in table " + table + ". (NO_SUCH_COLUMN_IN_TABLE)"));
        return;
      }
      header.columns.push_back({unquote_name(col), type, {}});
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    description = columns_description(it->second.columns, it->second.defaults);
    if (fault_) fault = fault_(inserts_);
    ++inserts_;
  }
  ex.start_insert(header, {.table_columns = description});
  std::vector<Block> received;
  std::uint64_t rows = 0, bytes = 0;
  while (auto b = ex.next_insert_block()) {
    rows += b->rows;
    for (const auto& c : b->columns) {
      for (const auto& v : c.values) bytes += v.size();
    }
    received.push_back(std::move(*b));
    if (fault == InsertFault::kStoreFirstThenFail) {
      store(ex, table, received);
      ex.reply_error(error(241, "Memory limit (for query) exceeded: would use 9.31 GiB (attempt to allocate chunk of "
                                "4194304 bytes), maximum: 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)"));
      return;
    }
    if (fault == InsertFault::kRefuseAfterFirstBlock) {
      ex.reply_error(error(252, "Too many parts (3001) in table '" + table +
                                    "'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS)"));
      return;
    }
  }
  store(ex, table, received);
  if (fault == InsertFault::kDropBeforeAck) ex.drop_connection();
  ex.finish_insert(rows, bytes);
}

void Catalog::store(Exchange& ex, const std::string& table, std::vector<Block>& received) {
  {
    std::lock_guard lock(mu_);
    auto& t = tables_[table];
    static const std::regex window(R"(non_replicated_deduplication_window = [1-9])");
    const bool keeps_ids = t.engine_full.starts_with("Replicated") || std::regex_search(t.engine_full, window);
    auto token = ex.query().setting("insert_deduplication_token");
    for (std::size_t i = 0; i < received.size(); ++i) {
      if (keeps_ids && token && !t.block_ids.insert(*token + "_" + std::to_string(i)).second) {
        ++deduplicated_;
        continue;
      }
      t.blocks.push_back(std::move(received[i]));
    }
  }
}

void Catalog::count_keys(Exchange& ex, const std::string& sql) {
  // The key list is matched apart: a regex over thousands of keys recurses
  // past a thread's stack.
  static const std::regex form(
      R"(^SELECT tid, timestamp_ns, count\(\) FROM (\S+) WHERE collection_id = toUUID\('([0-9a-f-]+)'\) )"
      R"(AND timestamp_ns BETWEEN (\d+) AND (\d+)$)");
  static const std::regex pair(R"(\((\d+), (\d+)\))");
  static const std::string in = " AND (tid, timestamp_ns) IN (";
  static const std::string tail = ") GROUP BY tid, timestamp_ns";
  const std::size_t at_in = sql.find(in);
  const std::string head = sql.substr(0, at_in);
  std::smatch m;
  if (at_in == std::string::npos || !sql.ends_with(tail) || !std::regex_match(head, m, form)) {
    {
      std::lock_guard lock(mu_);
      unknown_.push_back(sql);
    }
    ex.reply_error(error(62, "Syntax error: not replayed: " + sql));
    return;
  }
  std::set<std::pair<std::string, std::string>> wanted;
  const std::string list = sql.substr(at_in + in.size(), sql.size() - tail.size() - at_in - in.size());
  for (std::sregex_iterator it(list.begin(), list.end(), pair), end; it != end; ++it) {
    wanted.emplace((*it)[1], (*it)[2]);
  }
  const std::uint64_t lo = std::stoull(m[3]);
  const std::uint64_t hi = std::stoull(m[4]);
  std::map<std::pair<std::string, std::string>, std::uint64_t> found;
  {
    std::lock_guard lock(mu_);
    auto t = tables_.find(unquote_name(m[1]));
    if (t != tables_.end()) {
      for (const auto& b : t->second.blocks) {
        const auto& id = b.column("collection_id").values;
        const auto& tid = b.column("tid").values;
        const auto& ts = b.column("timestamp_ns").values;
        for (std::size_t i = 0; i < b.rows; ++i) {
          const std::uint64_t at = std::stoull(ts[i]);
          if (id[i] == std::string(m[2]) && at >= lo && at <= hi && wanted.count({tid[i], ts[i]})) {
            ++found[{tid[i], ts[i]}];
          }
        }
      }
    }
  }
  Block header = header_block({{"tid", "UInt32"}, {"timestamp_ns", "UInt64"}, {"count()", "UInt64"}});
  Block result = header;
  for (const auto& [key, n] : found) {
    result.columns[0].values.push_back(key.first);
    result.columns[1].values.push_back(key.second);
    result.columns[2].values.push_back(std::to_string(n));
    ++result.rows;
  }
  ex.reply_rows(header, {result});
}

void Catalog::system_tables(Exchange& ex, const std::string& sql) {
  static const std::regex where(R"(database = '([^']*)' AND name = '([^']*)')");
  std::smatch m;
  Block header = header_block({{"engine", "String"}, {"engine_full", "String"}});
  if (!std::regex_search(sql, m, where)) {
    ex.reply_error(error(62, "Syntax error: not replayed: " + sql));
    return;
  }
  Block rows = header;
  {
    std::lock_guard lock(mu_);
    auto it = tables_.find(std::string(m[1]) + "." + std::string(m[2]));
    if (it != tables_.end()) {
      const std::string& full = it->second.engine_full;
      rows.columns[0].values.push_back(full.substr(0, full.find_first_of(" (")));
      rows.columns[1].values.push_back(full);
      rows.rows = 1;
    }
  }
  std::vector<Block> blocks;
  if (rows.rows > 0) blocks.push_back(std::move(rows));
  ex.reply_rows(header, blocks);
}

std::size_t Catalog::row_count(const std::string& table) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return 0;
  std::size_t n = 0;
  for (const auto& b : it->second.blocks) n += b.rows;
  return n;
}

std::vector<Block> Catalog::blocks(const std::string& table) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(table);
  return it == tables_.end() ? std::vector<Block>{} : it->second.blocks;
}

bool Catalog::has_table(const std::string& table) const {
  std::lock_guard lock(mu_);
  return tables_.count(table) > 0;
}

bool Catalog::has_database(const std::string& db) const {
  std::lock_guard lock(mu_);
  return databases_.count(db) > 0;
}

std::vector<std::string> Catalog::statements() const {
  std::lock_guard lock(mu_);
  return statements_;
}

std::vector<std::string> Catalog::unknown() const {
  std::lock_guard lock(mu_);
  return unknown_;
}

std::size_t Catalog::deduplicated_blocks() const {
  std::lock_guard lock(mu_);
  return deduplicated_;
}

std::size_t Catalog::inserts() const {
  std::lock_guard lock(mu_);
  return inserts_;
}

}  // namespace ior::testing::chreplay
