// Rows appended to a ClickHouse block as the sink's thread gets them: from a
// queue's chunk, with strings equal to the previous row's marked. Every
// value must be the row's own, also where a marked row's previous row never
// reached the block or went out with the block before.
#include "clickhouse/event_block.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"
#include "sink/row_chunk.hpp"

namespace ior::clickhouse {
namespace {

std::size_t column_index(std::string_view name) {
  const std::size_t i = schema::column_index(name);
  EXPECT_LT(i, schema::kColumnCount) << "no column " << name;
  return i;
}

std::vector<std::string> texts(const EventBlock& b, std::string_view column) {
  std::vector<std::string> out;
  const auto& col = *b.block().at(column_index(column)).column;
  for (std::size_t r = 0; r < b.rows(); ++r) out.push_back(col.text(r));
  return out;
}

TEST(EventBlockTest, RepeatedValuesFromAChunkAreTheRowsOwn) {
  const std::vector<std::string> comms = {"a", "a", "b", "b", "b", "c", "c", "d", "d"};
  sink::RowChunk chunk;
  for (std::size_t i = 0; i < comms.size(); ++i) {
    schema::EventRow r;
    r.timestamp_ns = i;
    r.comm = comms[i];
    r.syscall_name = "pread64";
    r.filename = comms[i];
    chunk.append(r);
  }
  // Row 2 (the first "b") never reaches the block; the block goes out after
  // row 5 (the first "c"), so row 6 starts the next one.
  const std::size_t comm = column_index("comm");
  EventBlock block;
  std::vector<std::string> got_comm, got_filename, got_syscall;
  std::vector<std::uint32_t> marked;
  auto take = [&] {
    for (auto& v : texts(block, "comm")) got_comm.push_back(v);
    for (auto& v : texts(block, "filename")) got_filename.push_back(v);
    for (auto& v : texts(block, "syscall_name")) got_syscall.push_back(v);
    block.clear();
  };
  chunk.for_each_row([&](const schema::EventRow& r, const schema::RowRepeats& repeats) {
    if (repeats.same(comm)) marked.push_back(repeats.row);
    if (repeats.row == 2) return;
    block.append(r, repeats);
    if (repeats.row == 5) take();
  });
  take();
  // The cases happened: row 3 repeats the skipped row, row 6 the row sent before.
  EXPECT_EQ(marked, (std::vector<std::uint32_t>{1, 3, 4, 6, 8}));
  const std::vector<std::string> want = {"a", "a", "b", "b", "c", "c", "d", "d"};
  EXPECT_EQ(got_comm, want);
  EXPECT_EQ(got_filename, want);
  EXPECT_EQ(got_syscall, std::vector<std::string>(8, "pread64"));
}

}  // namespace
}  // namespace ior::clickhouse
