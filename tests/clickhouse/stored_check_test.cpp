// The check that decides whether a batch whose INSERT has an unknown outcome
// is in the table (no server: the queries it builds and how it counts the
// answers; the real 2-shard case is StreamWriterFaultTest.ABatchStoredOn...).
#include "clickhouse/writer/stored_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/event_block.hpp"

namespace ior::clickhouse::writer {
namespace {

EventBlock batch_of(std::size_t n, std::uint64_t first_ts = 1'000) {
  EventBlock b;
  for (std::size_t i = 0; i < n; ++i) {
    schema::EventRow r;
    r.tid = 70'000 + static_cast<std::uint32_t>(i % 3);
    r.timestamp_ns = first_ts + i;
    r.collection_id[0] = 0x42;
    b.append(r);
  }
  return b;
}

struct Found {
  std::uint32_t tid;
  std::uint64_t ts;
  std::uint64_t n;
};

columns::Block answer(const std::vector<Found>& rows) {
  columns::Block b;
  auto& tid = columns::column_as<columns::UInt32Column>(b.add("tid", "UInt32"));
  auto& ts = columns::column_as<columns::UInt64Column>(b.add("timestamp_ns", "UInt64"));
  auto& n = columns::column_as<columns::UInt64Column>(b.add("count()", "UInt64"));
  for (const auto& f : rows) {
    tid.append(f.tid);
    ts.append(f.ts);
    n.append(f.n);
  }
  return b;
}

/// What the table answers when it holds the batch's rows except `missing`
/// (row indices), each other row `times` times.
void answer_all(StoredCheck& check, const EventBlock& batch, const std::vector<std::size_t>& missing,
                std::uint64_t times = 1) {
  std::vector<Found> rows;
  for (std::size_t i = 0; i < batch.rows(); ++i) {
    if (std::find(missing.begin(), missing.end(), i) != missing.end()) continue;
    rows.push_back({70'000 + static_cast<std::uint32_t>(i % 3), 1'000 + i, times});
  }
  // Each query is answered with the rows it asked for; a row counted under
  // a query that did not ask for it must not count.
  for (std::size_t q = 0; q < check.queries(); ++q) check.count(q, answer(rows));
}

TEST(StoredCheckTest, EveryRowIsLookedUpInSlicesThatFitAQuery) {
  EventBlock b = batch_of(4500);
  StoredCheck check(b.block());
  ASSERT_EQ(check.queries(), 3u);
  std::size_t tuples = 0;
  for (std::size_t q = 0; q < check.queries(); ++q) {
    const std::string sql = check.query(q, "`ior`.`ior_events`");
    EXPECT_LT(sql.size(), 256u * 1024) << "18.16's max_query_size";
    EXPECT_NE(sql.find("FROM `ior`.`ior_events` WHERE collection_id = toUUID('42000000-0000-0000-0000-000000000000')"),
              std::string::npos) << sql;
    EXPECT_NE(sql.find("timestamp_ns BETWEEN"), std::string::npos);
    for (std::size_t at = sql.find("(70"); at != std::string::npos; at = sql.find("(70", at + 1)) ++tuples;
  }
  EXPECT_EQ(tuples, 4500u) << "every row's key, once";
  EXPECT_NE(check.query(0, "t").find("BETWEEN 1000 AND 2999 "), std::string::npos) << check.query(0, "t");
}

TEST(StoredCheckTest, OnlyEveryRowFoundIsStored) {
  EventBlock b = batch_of(4500);
  {
    StoredCheck check(b.block());
    answer_all(check, b, {});
    EXPECT_EQ(check.found(), 4500u);
    EXPECT_EQ(check.verdict(), StoredRows::kAll);
  }
  {
    StoredCheck check(b.block());
    EXPECT_EQ(check.verdict(), StoredRows::kNone);
  }
  {
    // The first, middle and last rows are there, one other is not.
    StoredCheck check(b.block());
    answer_all(check, b, {1234});
    EXPECT_EQ(check.found(), 4499u);
    EXPECT_EQ(check.verdict(), StoredRows::kSome);
  }
  {
    // Rows stored twice (an earlier resend) do not make up for a missing one.
    StoredCheck check(b.block());
    answer_all(check, b, {7}, 2);
    EXPECT_EQ(check.verdict(), StoredRows::kSome);
  }
}

TEST(StoredCheckTest, AKeyTheBatchHasTwiceMustBeStoredTwice) {
  EventBlock b;
  schema::EventRow r;
  r.tid = 5;
  r.timestamp_ns = 9;
  b.append(r);
  b.append(r);
  StoredCheck once(b.block());
  ASSERT_EQ(once.queries(), 1u);
  EXPECT_NE(once.query(0, "t").find("IN ((5, 9), (5, 9))"), std::string::npos)
      << "a set of one tuple written so that it is not read as the tuple itself";
  once.count(0, answer({{5, 9, 1}}));
  EXPECT_EQ(once.verdict(), StoredRows::kSome);
  StoredCheck twice(b.block());
  twice.count(0, answer({{5, 9, 2}}));
  EXPECT_EQ(twice.verdict(), StoredRows::kAll);
}

}  // namespace
}  // namespace ior::clickhouse::writer
