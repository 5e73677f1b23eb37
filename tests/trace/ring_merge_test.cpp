// RingMerge on rings laid out as the kernel lays them out, written here as
// the BPF programs would: the order of records across rings, what waits for
// a later round, and the consumer positions.
#include "trace/ring_merge.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <vector>

#include "ior_event.h"

namespace ior::trace {
namespace {

constexpr std::uint32_t kBusy = 1u << 31;
constexpr std::uint32_t kDiscard = 1u << 30;
constexpr std::uint64_t kAll = std::numeric_limits<std::uint64_t>::max();

// A ring the way the kernel maps it: positions, and the data area twice in a
// row (written to both copies here), so that no record wraps.
class FakeRing {
 public:
  explicit FakeRing(std::uint64_t size) : size_(size), data_(2 * size) {}

  RingView view() { return RingView{&consumer_, &producer_, data_.data(), size_}; }
  std::uint64_t consumer() const { return consumer_; }

  // Reserves a record (busy) and returns its position.
  std::uint64_t reserve(std::uint32_t bytes) {
    const std::uint64_t at = producer_;
    put_u32(at, bytes | kBusy);
    producer_ += (bytes + 8 + 7) & ~std::uint64_t{7};
    return at;
  }
  void commit(std::uint64_t at, const std::vector<std::byte>& rec, bool discard = false) {
    for (std::size_t i = 0; i < rec.size(); ++i) put_byte(at + 8 + i, rec[i]);
    put_u32(at, static_cast<std::uint32_t>(rec.size()) | (discard ? kDiscard : 0));
  }
  void push(const std::vector<std::byte>& rec) { commit(reserve(static_cast<std::uint32_t>(rec.size())), rec); }

 private:
  void put_byte(std::uint64_t pos, std::byte b) {
    data_[pos & (size_ - 1)] = b;
    data_[(pos & (size_ - 1)) + size_] = b;
  }
  void put_u32(std::uint64_t pos, std::uint32_t v) {
    std::byte b[4];
    std::memcpy(b, &v, 4);
    for (int i = 0; i < 4; ++i) put_byte(pos + static_cast<std::uint64_t>(i), b[i]);
  }

  std::uint64_t size_;
  std::vector<std::byte> data_;
  std::uint64_t consumer_ = 0;
  std::uint64_t producer_ = 0;
};

// An exit record with a time (the key) and a tid to tell records apart.
std::vector<std::byte> exit_record(std::uint32_t tid, std::uint64_t time) {
  ior_exit_event e{};
  e.hdr.kind = IOR_EVENT_EXIT;
  e.hdr.tid = tid;
  e.hdr.time_ns = time;
  std::vector<std::byte> out(sizeof e);
  std::memcpy(out.data(), &e, sizeof e);
  return out;
}

std::vector<std::byte> paired_record(std::uint32_t tid, std::uint64_t enter, std::uint64_t exit) {
  ior_paired_event e{};
  e.enter.hdr.kind = IOR_EVENT_PAIRED;
  e.enter.hdr.tid = tid;
  e.enter.hdr.time_ns = enter;
  e.exit_time_ns = exit;
  std::vector<std::byte> out(sizeof e);
  std::memcpy(out.data(), &e, sizeof e);
  return out;
}

struct Seen {
  std::vector<std::uint32_t> tids;
  RingMerge::Sink sink() {
    return [this](std::span<const std::byte> r) {
      ior_event_header h{};
      std::memcpy(&h, r.data(), sizeof h);
      tids.push_back(h.tid);
    };
  }
};

TEST(RingMergeTest, RecordsOfAllRingsComeOutInKeyOrder) {
  FakeRing a(4096), b(4096);
  a.push(exit_record(1, 10));
  a.push(exit_record(3, 30));
  a.push(exit_record(6, 60));
  b.push(exit_record(2, 20));
  b.push(exit_record(4, 40));
  b.push(exit_record(5, 50));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  EXPECT_EQ(merge.round(kAll, seen.sink()), 6u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(a.consumer(), 3u * 40);  // 32-byte records + 8-byte headers
  EXPECT_EQ(b.consumer(), 3u * 40);
}

TEST(RingMergeTest, APairedRecordIsPlacedByItsExitTime) {
  FakeRing a(4096), b(4096);
  a.push(paired_record(2, 5, 25));  // entered first, returned second
  b.push(exit_record(1, 15));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  merge.round(kAll, seen.sink());
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2}));
}

// An empty ring can still get records keyed after the round began (t0) but
// none before: what keys above t0 waits, the rest goes.
TEST(RingMergeTest, AnEmptyRingHoldsTheOthersFromTheRoundsStartOn) {
  FakeRing a(4096), b(4096);
  a.push(exit_record(1, 10));
  a.push(exit_record(3, 30));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  EXPECT_EQ(merge.round(20, seen.sink()), 1u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(a.consumer(), 40u);
  b.push(exit_record(2, 25));  // reserved after the first round read b
  EXPECT_EQ(merge.round(40, seen.sink()), 2u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2, 3}));
}

// A record still being written may key below anything the others hold:
// nothing goes until it is committed.
TEST(RingMergeTest, ARecordBeingWrittenHoldsEveryRing) {
  FakeRing a(4096), b(4096);
  const std::uint64_t at = b.reserve(sizeof(ior_exit_event));
  a.push(exit_record(2, 20));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  EXPECT_EQ(merge.round(kAll, seen.sink()), 0u);
  EXPECT_EQ(a.consumer(), 0u);
  b.commit(at, exit_record(1, 10));
  EXPECT_EQ(merge.round(kAll, seen.sink()), 2u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2}));
}

// Records before a busy one in the same ring still go; the others wait
// once they run past them.
TEST(RingMergeTest, ARingStoppedAtABusyRecordBoundsTheOthersByItsLastKey) {
  FakeRing a(4096), b(4096);
  b.push(exit_record(1, 10));
  b.reserve(sizeof(ior_exit_event));
  a.push(exit_record(2, 5));
  a.push(exit_record(3, 20));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  EXPECT_EQ(merge.round(kAll, seen.sink()), 2u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{2, 1}));
}

// One ring's order is the order its CPU made them in, whatever the keys say
// (a program preempted between reserving and reading the clock).
TEST(RingMergeTest, OneRingKeepsItsOwnOrderWhenKeysGoBackwards) {
  FakeRing a(4096);
  a.push(exit_record(1, 30));
  a.push(exit_record(2, 10));
  RingMerge merge({a.view()});
  Seen seen;
  merge.round(kAll, seen.sink());
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2}));
}

TEST(RingMergeTest, DiscardedRecordsAreSkippedAndConsumed) {
  FakeRing a(4096);
  a.commit(a.reserve(sizeof(ior_exit_event)), exit_record(9, 5), /*discard=*/true);
  a.push(exit_record(1, 10));
  RingMerge merge({a.view()});
  Seen seen;
  EXPECT_EQ(merge.round(kAll, seen.sink()), 1u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(a.consumer(), 80u);
}

// Positions grow without bound; the data area wraps (mapped twice, so a
// record at the end reads on contiguously).
TEST(RingMergeTest, RecordsAcrossTheEndOfTheDataAreaReadWhole) {
  FakeRing a(128), b(128);
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  std::uint64_t time = 1;
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < 50; ++i) {
    // a 120-byte paired record in a 128-byte ring: nearly every one wraps
    a.push(paired_record(2 * i, 0, time++));
    b.push(paired_record(2 * i + 1, 0, time++));
    expected.push_back(2 * i);
    expected.push_back(2 * i + 1);
    merge.round(kAll, seen.sink());
  }
  EXPECT_EQ(seen.tids, expected);
}

TEST(RingMergeTest, DrainHandsOnEverything) {
  FakeRing a(4096), b(4096);
  for (std::uint32_t i = 0; i < 10; ++i) (i % 3 ? a : b).push(exit_record(i, 100 + i));
  RingMerge merge({a.view(), b.view()});
  Seen seen;
  EXPECT_EQ(merge.drain(seen.sink()), 10u);
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

// A round reads at most max_per_ring records of a ring; the ring then holds
// the others like a record being written, so the order stays whole.
TEST(RingMergeTest, ARoundReadsAtMostItsShareOfEachRingAndKeepsTheOrder) {
  FakeRing a(4096), b(4096);
  for (std::uint32_t i = 1; i <= 10; ++i) (i % 2 ? a : b).push(exit_record(i, i));
  RingMerge merge({a.view(), b.view()}, /*max_per_ring=*/2);
  Seen seen;
  EXPECT_EQ(merge.round(kAll, seen.sink()), 3u);  // 1 2 3, then a's share is out
  EXPECT_TRUE(merge.more());
  EXPECT_EQ(merge.drain(seen.sink()), 7u);
  EXPECT_FALSE(merge.more());
  EXPECT_EQ(seen.tids, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

// The kernel gets a round's space back as the round goes: while a record is
// handed on, the consumer position is never past it (its bytes must stay)
// and lags it by less than kPublishEvery records; at the end it is past all.
TEST(RingMergeTest, ARoundHandsSpaceBackAsItGoes) {
  FakeRing a(1 << 16), b(1 << 16);
  constexpr std::uint32_t kRecords = 1000;
  for (std::uint32_t i = 0; i < kRecords; ++i) (i % 2 ? b : a).push(exit_record(i, 100 + i));
  RingMerge merge({a.view(), b.view()});
  std::uint32_t handed = 0;
  merge.round(kAll, [&](std::span<const std::byte> r) {
    ior_event_header h{};
    std::memcpy(&h, r.data(), sizeof h);
    ASSERT_EQ(h.tid, handed);  // its bytes are still there
    const std::uint64_t before = handed / 2;  // records of each ring handed before this one
    for (const FakeRing* ring : {&a, &b}) {
      EXPECT_LE(ring->consumer(), 40 * (before + 1));
      EXPECT_GE(ring->consumer() + 40 * (RingMerge::kPublishEvery / 2 + 1), 40 * before) << handed;
    }
    ++handed;
  });
  EXPECT_EQ(handed, kRecords);
  EXPECT_EQ(a.consumer(), 40u * kRecords / 2);
  EXPECT_EQ(b.consumer(), 40u * kRecords / 2);
}

TEST(RingMergeTest, ARecordTooShortForAHeaderKeysZero) {
  std::vector<std::byte> tiny(4);
  EXPECT_EQ(record_key(tiny), 0u);
  EXPECT_EQ(record_key(paired_record(1, 5, 25)), 25u);
  EXPECT_EQ(record_key(exit_record(1, 7)), 7u);
}

}  // namespace
}  // namespace ior::trace
