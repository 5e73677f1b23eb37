// For bench/clickhouse_insert_vs_client.sh: inserts N synthetic rows of the
// canonical schema into a table with ior's client and prints the time, or
// writes the same rows as a Native file for clickhouse-client, or prints the
// benchmark tables' DDL.
//   ch_insert_tool ddl TABLE ENGINE
//   ch_insert_tool native FILE ROWS
//   ch_insert_tool insert PORT TABLE ROWS BATCH lz4|zstd|none
//   ch_insert_tool stream PORT TABLE ROWS BATCH CONNS   (the -clickhouse sink's writer)

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/schema_ddl.hpp"
#include "clickhouse/writer/stream_writer.hpp"
#include "synthetic_rows.hpp"

using namespace ior::clickhouse;

namespace {

// Cycled: 5 M stored EventRows would take ~1 GB, and the peak RSS printed
// for the writer should be the writer's, not the source's (~19 MB here).
constexpr std::size_t kDistinctRows = 100'000;

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

int ddl(const std::string& table, const std::string& engine) {
  std::string sql = "CREATE TABLE " + table + " (" + column_definitions() + ") ENGINE = " + engine;
  if (engine == "MergeTree") sql += " ORDER BY timestamp_ns";
  std::cout << sql << "\n";
  return 0;
}

int native(const std::string& path, std::size_t n) {
  ior::bench::SyntheticRows rows(std::min(n, kDistinctRows));
  std::ofstream out(path, std::ios::binary);
  EventBlock block;
  std::string bytes;
  for (std::size_t i = 0; i < n;) {
    block.clear();
    for (std::size_t k = 0; k < 100'000 && i < n; ++k, ++i) block.append(rows.rows()[i % rows.rows().size()]);
    bytes.clear();
    wire::WireWriter w(bytes);
    columns::write_block(block.block(), w, {.with_info = false});
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  return out.good() ? 0 : 1;
}

int insert(std::uint16_t port, const std::string& table, std::size_t n, std::size_t batch, const std::string& comp) {
  ior::bench::SyntheticRows rows(std::min(n, kDistinctRows));
  ClientOptions o;
  o.port = port;
  o.compression.enabled = comp != "none";
  o.compression.method = comp == "zstd" ? wire::CompressionMethod::kZstd : wire::CompressionMethod::kLz4;
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  Connection c(o);
  c.begin_insert("INSERT INTO " + table + " VALUES");
  EventBlock block;
  block.reserve(batch);
  for (std::size_t i = 0; i < n; ++i) {
    block.append(rows.rows()[i % rows.rows().size()]);
    if (block.rows() == batch) {
      c.send_block(block.block());
      block.clear();
    }
  }
  if (block.rows() > 0) c.send_block(block.block());
  c.end_insert();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  std::printf("rows=%zu seconds=%.3f cpu_seconds=%.3f rows_per_s=%.0f\n", n, wall, cpu, static_cast<double>(n) / wall);
  return 0;
}

long peak_rss_kb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The sink's path: rows appended one by one on this thread (as the event
// pipeline does), batches inserted by the writer's connections.
int stream(std::uint16_t port, const std::string& table, std::size_t n, std::size_t batch, std::size_t conns) {
  ior::bench::SyntheticRows rows(std::min(n, kDistinctRows));
  writer::WriterOptions w;
  w.client.port = port;
  w.insert_sql = "INSERT INTO " + table + " (" + column_list() + ") VALUES";
  w.table = table;
  w.batch_rows = batch;
  w.connections = conns;
  long rss_before = peak_rss_kb();
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  {
    writer::StreamWriter sw(w);
    for (std::size_t i = 0; i < n; ++i) sw.append(rows.rows()[i % rows.rows().size()]);
    sw.close(std::chrono::seconds(120));
    auto s = sw.stats();
    if (s.rows_inserted != n) {
      std::fprintf(stderr, "ch_insert_tool: inserted %llu of %zu rows: %s\n",
                   static_cast<unsigned long long>(s.rows_inserted), n, s.last_error.c_str());
      return 1;
    }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  std::printf("rows=%zu seconds=%.3f cpu_seconds=%.3f rows_per_s=%.0f peak_rss_kb=%ld source_rss_kb=%ld\n", n, wall,
              cpu, static_cast<double>(n) / wall, peak_rss_kb(), rss_before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "ddl" && argc == 4) return ddl(argv[2], argv[3]);
    if (cmd == "native" && argc == 4) return native(argv[2], std::stoul(argv[3]));
    if (cmd == "insert" && argc == 7) {
      return insert(static_cast<std::uint16_t>(std::stoul(argv[2])), argv[3], std::stoul(argv[4]), std::stoul(argv[5]),
                    argv[6]);
    }
    if (cmd == "stream" && argc == 7) {
      return stream(static_cast<std::uint16_t>(std::stoul(argv[2])), argv[3], std::stoul(argv[4]), std::stoul(argv[5]),
                    std::stoul(argv[6]));
    }
    std::cerr << "usage: ch_insert_tool ddl TABLE ENGINE | native FILE ROWS | insert PORT TABLE ROWS BATCH lz4|zstd|none\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ch_insert_tool: " << e.what() << "\n";
    return 1;
  }
}
