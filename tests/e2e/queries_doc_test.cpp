// docs/QUERIES.md cannot rot: one real traced run of its workload
// (tests/docs/queries_workload.sh) writes Parquet and ClickHouse (the 18.16
// fixture server), then every fenced block of the document runs against
// it: ```sql clickhouse blocks through clickhouse-client, ```sql duckdb
// blocks in DuckDB (tests/readers), ```sh blocks of `ior report` through
// the binary. Each must succeed and return rows with the columns (or, for
// `ior report`, the first line) of the output the document shows after it.
//
// IOR_QUERIES_PRINT=1 prints every result as the document shows it, to
// refresh the document from a new trace.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "clickhouse_server.hpp"
#include "reader_runner.hpp"
#include "subprocess.hpp"
#include "workload_manifest.hpp"

namespace ior::testing {
namespace {

using namespace std::chrono_literals;
using Table = std::vector<std::vector<std::string>>;  // header first

constexpr const char* kDocDir = "/tmp/ior-queries";  // the workload's directory in the document
constexpr const char* kDocFile = "trace.parquet";
constexpr const char* kDocDb = "ior.ior_events";
constexpr const char* kTestDb = "ior_queries_doc";

struct Block {
  std::string kind;    // "clickhouse", "duckdb", "report"
  std::string code;
  std::string shown;   // the ```text block after it
  std::size_t line = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Block> documented_blocks() {
  const std::string doc = read_file(IOR_SOURCE_DIR "/docs/QUERIES.md");
  std::vector<Block> out;
  std::size_t pos = 0;
  while ((pos = doc.find("```", pos)) != std::string::npos) {
    const auto eol = doc.find('\n', pos);
    const std::string info = doc.substr(pos + 3, eol - pos - 3);
    const auto end = doc.find("\n```", eol);
    if (end == std::string::npos) throw std::runtime_error("unclosed block in docs/QUERIES.md");
    std::string code = doc.substr(eol + 1, end - eol);
    const std::size_t line = static_cast<std::size_t>(std::count(doc.begin(), doc.begin() + static_cast<long>(pos), '\n')) + 1;
    pos = end + 4;
    if (info == "text") {
      if (!out.empty() && out.back().shown.empty()) out.back().shown = code;
      continue;
    }
    std::string kind;
    if (info == "sql clickhouse") kind = "clickhouse";
    if (info == "sql duckdb") kind = "duckdb";
    if (info == "sh" && code.rfind("ior report ", 0) == 0) kind = "report";
    if (!kind.empty()) out.push_back({kind, code, "", line});
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

// A flat JSON object (one DuckDB row) as (key, value text) in order.
std::vector<std::pair<std::string, std::string>> json_object(const std::string& line) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 1;
  auto string_at = [&](std::size_t& p) {
    std::string v;
    for (++p; p < line.size() && line[p] != '"'; ++p) {
      if (line[p] == '\\' && p + 1 < line.size()) {
        ++p;
        v += line[p] == 'n' ? '\n' : line[p] == 't' ? '\t' : line[p];
      } else {
        v += line[p];
      }
    }
    ++p;
    return v;
  };
  while (i < line.size() && line[i] == '"') {
    std::string key = string_at(i);
    ++i;  // ':'
    std::string value;
    if (line[i] == '"') {
      value = string_at(i);
    } else {
      auto e = line.find_first_of(",}", i);
      value = line.substr(i, e - i);
      i = e;
    }
    out.emplace_back(key, value);
    if (line[i] == ',') ++i;
  }
  return out;
}

std::string aligned(const Table& t) {
  std::vector<std::size_t> w;
  for (const auto& r : t) {
    w.resize(std::max(w.size(), r.size()));
    for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], r[c].size());
  }
  std::string out;
  for (const auto& r : t) {
    std::string l;
    for (std::size_t c = 0; c < r.size(); ++c) l += r[c] + std::string(c + 1 < r.size() ? w[c] - r[c].size() + 2 : 0, ' ');
    out += l + "\n";
  }
  return out;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Splits an `ior report ...` line into arguments ('...' quotes only).
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == ' ' || c == '\n')) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

void check_block(const Block& b, const std::string& dir, const std::string& parquet, const ClickHouseEndpoint& ch,
                 bool print);

class QueriesDoc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new TempDir();
    out_ = new TempDir();
  }
  static void TearDownTestSuite() {
    delete work_;
    delete out_;
  }
  static TempDir* work_;
  static TempDir* out_;
};
TempDir* QueriesDoc::work_ = nullptr;
TempDir* QueriesDoc::out_ = nullptr;

TEST_F(QueriesDoc, EveryBlockRunsOnARealTraceAndShowsItsColumns) {
  IOR_REQUIRE_ROOT();
  IOR_REQUIRE_CLICKHOUSE(ch);
  IOR_REQUIRE_READERS();
  const auto blocks = documented_blocks();
  std::size_t per_kind[3] = {0, 0, 0};
  for (const auto& b : blocks) ++per_kind[b.kind == "clickhouse" ? 0 : b.kind == "duckdb" ? 1 : 2];
  ASSERT_GE(per_kind[0], 6u);
  ASSERT_GE(per_kind[1], 6u);
  ASSERT_GE(per_kind[2], 4u);

  clickhouse_client_query(ch, std::string("DROP DATABASE IF EXISTS ") + kTestDb);
  const std::string dir = work_->path() + "/ior-queries";
  const std::string parquet = out_->path() + "/trace.parquet";
  Subprocess ior({IOR_BINARY, "-quiet", "-parquet", "-parquet-file", parquet, "-clickhouse", "-ch-port",
                  std::to_string(ch.port), "-ch-db", kTestDb, "-ch-spool", "none", "--", "/bin/bash",
                  IOR_SOURCE_DIR "/tests/docs/queries_workload.sh", dir});
  ASSERT_EQ(ior.wait(120s), 0) << ior.err();
  const bool print = std::getenv("IOR_QUERIES_PRINT") != nullptr;

  for (const auto& b : blocks) {
    try {
      check_block(b, dir, parquet, ch, print);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "docs/QUERIES.md line " << b.line << ": " << e.what();
    }
  }
  clickhouse_client_query(ch, std::string("DROP DATABASE ") + kTestDb);
}

void check_block(const Block& b, const std::string& dir, const std::string& parquet, const ClickHouseEndpoint& ch,
                 bool print) {
  {
    SCOPED_TRACE("docs/QUERIES.md line " + std::to_string(b.line) + ":\n" + b.code);
    std::string code = b.code;
    replace_all(code, kDocDir, dir);
    std::string got;
    if (b.kind == "clickhouse") {
      replace_all(code, kDocDb, std::string(kTestDb) + ".ior_events");
      ClickHouseClientOptions tsv_with_names;
      tsv_with_names.settings = {{"format", "TSVWithNames"}};
      const std::string tsv = clickhouse_client_query(ch, code, tsv_with_names);
      Table t;
      std::istringstream in(tsv);
      for (std::string l; std::getline(in, l);) {
        std::vector<std::string> row;
        std::size_t s = 0;
        for (std::size_t e; (e = l.find('\t', s)) != std::string::npos; s = e + 1) row.push_back(l.substr(s, e - s));
        row.push_back(l.substr(s));
        t.push_back(row);
      }
      ASSERT_GE(t.size(), 2u) << "no rows:\n" << tsv;
      got = aligned(t);
    } else if (b.kind == "duckdb") {
      replace_all(code, "'" + std::string(kDocFile) + "'", "'" + parquet + "'");
      const auto lines = reader_query("duckdb", code);
      ASSERT_FALSE(lines.empty()) << "no rows";
      Table t;
      for (const auto& l : lines) {
        auto obj = json_object(l);
        if (t.empty()) {
          t.emplace_back();
          for (const auto& [k, v] : obj) t[0].push_back(k);
        }
        t.emplace_back();
        for (const auto& [k, v] : obj) t.back().push_back(v);
      }
      got = aligned(t);
    } else {
      auto args = shell_words(code.substr(0, code.find('\n')));
      for (auto& a : args) {
        if (a == kDocFile) a = parquet;
      }
      args[0] = IOR_BINARY;
      Subprocess report(args);
      ASSERT_EQ(report.wait(60s), 0) << report.err();
      got = report.out();
      ASSERT_FALSE(got.empty());
    }
    if (print) std::printf("---- line %zu (%s)\n%s", b.line, b.kind.c_str(), got.c_str());
    ASSERT_FALSE(b.shown.empty()) << "the document shows no output after this block";
    std::string shown_first = b.shown.substr(0, b.shown.find('\n'));
    std::string got_first = got.substr(0, got.find('\n'));
    if (b.kind == "report") {
      // "ior report: 1 file, 2358 rows; ...": the counts are the run's.
      static const std::regex number("[0-9]+");
      shown_first = std::regex_replace(shown_first, number, "N");
      got_first = std::regex_replace(got_first, number, "N");
    }
    EXPECT_EQ(words(got_first), words(shown_first)) << "the first line differs from the document's:\n" << got;
  }
}

}  // namespace
}  // namespace ior::testing
