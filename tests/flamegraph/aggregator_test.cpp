#include "flamegraph/stack_aggregator.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "flamegraph/flame_tree.hpp"

namespace ior::flamegraph {
namespace {

schema::EventRow row(std::uint32_t pid, std::string_view file, std::string_view syscall,
                     std::uint64_t duration = 0, std::int64_t ret = 0,
                     schema::RetType rt = schema::RetType::kValue) {
  schema::EventRow r;
  r.pid = pid;
  r.tid = pid + 1;
  r.comm = "app";
  r.filename = file;
  r.syscall_name = syscall;
  r.duration_ns = duration;
  r.duration_to_prev_ns = duration * 2;
  r.ret_value = ret;
  r.ret_type = static_cast<std::uint8_t>(rt);
  r.flags = 02;
  return r;
}

TEST(StackAggregatorTest, CountsPerStackInFieldOrder) {
  StackAggregator a(parse_fields("pid,path,tracepoint"), ValueKind::kCount);
  a.add(row(7, "/a", "read"));
  a.add(row(7, "/a", "read"));
  a.add(row(7, "/b", "write"));
  a.add(row(8, "/a", "read"));
  EXPECT_EQ(a.folded(), "7;/a;read 2\n7;/b;write 1\n8;/a;read 1\n");
  EXPECT_EQ(a.total(), 4u);
  StackAggregator reversed(parse_fields("tracepoint,comm,tid,flags"), ValueKind::kCount);
  reversed.add(row(7, "/a", "read"));
  EXPECT_EQ(reversed.folded(), "read;app;8;flags:02 1\n");
}

TEST(StackAggregatorTest, ValueKinds) {
  auto rows = {row(1, "/a", "read", 100, 4096, schema::RetType::kBytes),
               row(1, "/a", "read", 50, -11, schema::RetType::kError),
               row(1, "/a", "close", 7, 0)};
  std::map<ValueKind, std::string> want = {{ValueKind::kCount, "1;/a;close 1\n1;/a;read 2\n"},
                                           {ValueKind::kDuration, "1;/a;close 7\n1;/a;read 150\n"},
                                           {ValueKind::kDurationToPrev, "1;/a;close 14\n1;/a;read 300\n"},
                                           {ValueKind::kBytes, "1;/a;read 4096\n"}};
  for (const auto& [kind, folded] : want) {
    StackAggregator a(parse_fields("pid,path,tracepoint"), kind);
    for (const auto& r : rows) a.add(r);
    EXPECT_EQ(a.folded(), folded) << value_kind_name(kind);
  }
}

TEST(StackAggregatorTest, SeparatorsInNamesCannotBreakTheFormat) {
  StackAggregator a(parse_fields("path"), ValueKind::kCount);
  a.add(row(1, "/x;y\nz", "read"));
  a.add(row(1, "", "sync"));
  EXPECT_EQ(a.folded(), "/x_y_z 1\n[no file] 1\n");
}

TEST(StackAggregatorTest, MemoryIsBoundedByDistinctStacksAndTheRestIsCounted) {
  StackAggregator a(parse_fields("pid"), ValueKind::kCount, 3);
  for (std::uint32_t pid = 0; pid < 10; ++pid) a.add(row(pid, "/f", "read"));
  a.add(row(1, "/f", "read"));  // a known stack still counts as itself
  EXPECT_EQ(a.distinct_stacks(), 4u);  // 3 + [other]
  EXPECT_EQ(a.rows_in_other(), 7u);
  EXPECT_EQ(a.folded(), "0 1\n1 2\n2 1\n[other] 7\n");
  EXPECT_EQ(a.total(), 11u);
}

TEST(StackAggregatorTest, BadFieldsAndValuesAreUsageErrors) {
  EXPECT_THROW(parse_fields("pid,nope"), UsageError);
  EXPECT_THROW(parse_fields(""), UsageError);
  EXPECT_THROW(parse_value_kind("latency"), UsageError);
  EXPECT_EQ(parse_value_kind("durationToPrev"), ValueKind::kDurationToPrev);
}

TEST(FlameTreeTest, BuildsTotalsPerFrame) {
  auto tree = build_tree(parse_folded("a;b;c 5\na;b;d 3\na;e 2\n\nz 1\n"));
  EXPECT_EQ(tree->value, 11u);
  EXPECT_EQ(tree->children.at("a")->value, 10u);
  EXPECT_EQ(tree->children.at("a")->children.at("b")->value, 8u);
  EXPECT_EQ(tree_depth(*tree), 3u);
}

TEST(FlameTreeTest, MalformedFoldedLinesNameTheLine) {
  try {
    parse_folded("a;b 1\nno-count\n");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
  EXPECT_THROW(parse_folded("a;b x1\n"), FormatError);
}

}  // namespace
}  // namespace ior::flamegraph
