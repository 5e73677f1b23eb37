#include "flamegraph/stack_aggregator.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "flamegraph/flame_tree.hpp"
#include "flamegraph/folded_frame.hpp"

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
  if (rt == schema::RetType::kBytes && ret > 0) r.bytes = static_cast<std::uint64_t>(ret);
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
  // -count bytes reads the bytes column, whatever ret_value says.
  auto transfer = row(1, "/a", "splice", 3, 0);
  transfer.bytes = 300;
  auto rows = {row(1, "/a", "read", 100, 4096, schema::RetType::kBytes),
               row(1, "/a", "read", 50, -11, schema::RetType::kError),
               row(1, "/a", "close", 7, 0), transfer};
  std::map<ValueKind, std::string> want = {
      {ValueKind::kCount, "1;/a;close 1\n1;/a;read 2\n1;/a;splice 1\n"},
      {ValueKind::kDuration, "1;/a;close 7\n1;/a;read 150\n1;/a;splice 3\n"},
      {ValueKind::kDurationToPrev, "1;/a;close 14\n1;/a;read 300\n1;/a;splice 6\n"},
      {ValueKind::kBytes, "1;/a;read 4096\n1;/a;splice 300\n"}};
  for (const auto& [kind, folded] : want) {
    StackAggregator a(parse_fields("pid,path,tracepoint"), kind);
    for (const auto& r : rows) a.add(r);
    EXPECT_EQ(a.folded(), folded) << value_kind_name(kind);
  }
}

TEST(StackAggregatorTest, SeparatorsAndControlBytesInNamesCannotBreakTheFormat) {
  StackAggregator a(parse_fields("comm,path"), ValueKind::kCount);
  auto r = row(1, "/x;y\nz\r\x1b[2J\xc2\x9b\xff\\;", "read");
  r.comm = "a;b\x07";
  a.add(r);
  a.add(row(1, "", "sync"));
  EXPECT_EQ(a.folded(),
            "a\\x3bb\\x07;/x\\x3by\\nz\\r\\x1b[2J\\xc2\\x9b\\xff\\\\\\x3b 1\n"
            "app;[no file] 1\n");
  // Read back: two frames, the name recoverable from its escapes.
  auto stacks = parse_folded(a.folded());
  ASSERT_EQ(stacks.size(), 2u);
  auto tree = build_tree(stacks);
  ASSERT_NE(tree->child(tree->root(), "a\\x3bb\\x07"), nullptr);
  EXPECT_EQ(tree->depth(), 2u);
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

// A thread named as one of ior's own frames ("[other]") is a frame of its
// own: its rows never merge into the stacks past the bound. (They did: 77
// rows of a thread "[other]" were counted with the 632 folded ones.)
TEST(StackAggregatorTest, ANameLikeAnOwnFrameStaysApartFromIt) {
  StackAggregator a(parse_fields("comm"), ValueKind::kCount, 1);
  schema::EventRow first = row(1, "/f", "read");
  a.add(first);
  schema::EventRow named = row(2, "/f", "read");
  named.comm = "[other]";
  a.add(named);  // past the bound: into ior's [other]
  a.add(named);
  EXPECT_EQ(a.folded(), "[other] 2\napp 1\n");
  StackAggregator b(parse_fields("comm"), ValueKind::kCount, 4);
  b.add(named);
  EXPECT_EQ(b.folded(), "\\x5bother] 1\n");
  EXPECT_EQ(folded_frame_bytes("\\x5bother]"), "[other]");
}

TEST(StackAggregatorTest, BadFieldsAndValuesAreUsageErrors) {
  EXPECT_THROW(parse_fields("pid,nope"), UsageError);
  EXPECT_THROW(parse_fields(""), UsageError);
  EXPECT_THROW(parse_value_kind("latency"), UsageError);
  EXPECT_EQ(parse_value_kind("durationToPrev"), ValueKind::kDurationToPrev);
}

TEST(FlameTreeTest, BuildsTotalsPerFrame) {
  auto tree = build_tree(parse_folded("a;b;c 5\na;b;d 3\na;e 2\n\nz 1\n"));
  EXPECT_EQ(tree->root().value, 11u);
  const FlameNode* a = tree->child(tree->root(), "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->value, 10u);
  ASSERT_NE(tree->child(*a, "b"), nullptr);
  EXPECT_EQ(tree->child(*a, "b")->value, 8u);
  EXPECT_EQ(*tree->child(*a, "b")->name, "b");
  EXPECT_EQ(tree->depth(), 3u);
  EXPECT_EQ(tree->truncated_stacks(), 0u);
}

// Counts come from input nobody checked: two of 2^64 - 1 summed to 1 in a
// frame and 3 at the root (data-total="3") before sums saturated.
TEST(FlameTreeTest, SumsSaturateInsteadOfWrapping) {
  auto tree = build_tree(parse_folded("a;b 18446744073709551615\na;c 18446744073709551615\nd 1\n"));
  EXPECT_EQ(tree->root().value, UINT64_MAX);
  EXPECT_EQ(tree->child(tree->root(), "a")->value, UINT64_MAX);
  EXPECT_EQ(tree->child(*tree->child(tree->root(), "a"), "b")->value, UINT64_MAX);
  EXPECT_TRUE(tree->saturated());
  EXPECT_FALSE(build_tree(parse_folded("a 18446744073709551614\nb 1\n"))->saturated());
}

TEST(StackAggregatorTest, SumsSaturateInsteadOfWrapping) {
  StackAggregator a(parse_fields("pid"), ValueKind::kBytes, 1);
  auto big = row(7, "/a", "read");
  big.bytes = UINT64_MAX - 1;
  a.add(big);
  a.add(big);
  auto other = row(8, "/a", "read");  // past max_stacks: into [other]
  other.bytes = UINT64_MAX;
  a.add(other);
  a.add(other);
  EXPECT_EQ(a.total(), UINT64_MAX);
  EXPECT_EQ(a.folded(), "7 18446744073709551615\n[other] 18446744073709551615\n");
}

TEST(FlameTreeTest, StacksDeeperThanTheLimitEndInOneTruncatedFrame) {
  auto tree = build_tree(parse_folded("a;b;c;d;e 5\na;b;c 2\na;b;x;y 1\n"), 3);
  EXPECT_EQ(tree->depth(), 3u);
  EXPECT_EQ(tree->truncated_stacks(), 2u);
  const FlameNode* b = tree->child(*tree->child(tree->root(), "a"), "b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->value, 8u);
  ASSERT_NE(tree->child(*b, "c"), nullptr);  // exactly 3 frames: kept
  EXPECT_EQ(tree->child(*b, "c")->value, 2u);
  const FlameNode* cut = tree->child(*b, FlameTree::kTruncated);
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->value, 6u);  // c;d;e and x;y
  EXPECT_TRUE(cut->children.empty());
}

// A folded line of 300 000 frames: parsed, built and destroyed without
// recursion; the default limit cuts it.
TEST(FlameTreeTest, AVeryDeepStackIsCutAtTheDefaultLimit) {
  std::string line;
  for (int i = 0; i < 300000; ++i) line += "f" + std::to_string(i % 7) + ";";
  line += "top 3\n";
  auto tree = build_tree(parse_folded(line));
  EXPECT_EQ(tree->depth(), FlameTree::kDefaultMaxDepth);
  EXPECT_EQ(tree->size(), FlameTree::kDefaultMaxDepth + 1);
  EXPECT_EQ(tree->truncated_stacks(), 1u);
  // Without a useful limit the tree is as deep as the line, and still safe.
  auto full = build_tree(parse_folded(line), 1'000'000);
  EXPECT_EQ(full->depth(), 300001u);
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
