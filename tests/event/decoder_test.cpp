// Decoding: short, unknown and malformed records are counted and skipped.
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

using testing::Record;

TEST_F(PipelineTest, RecordShorterThanHeaderIsCountedShort) {
  feed(Record(5));
  EXPECT_EQ(stats().decode_short.get(), 1u);
  EXPECT_EQ(stats().records.get(), 1u);
  EXPECT_TRUE(consumer_.rows.empty());
}

TEST_F(PipelineTest, EnterShorterThanItsStructIsCountedShort) {
  auto e = testing::spec(IOR_SC_read, kPid, kTid, 5);
  auto r = testing::enter_record(e);
  r.resize(sizeof(ior_enter_event) - 1);
  feed(r);
  EXPECT_EQ(stats().decode_short.get(), 1u);
  EXPECT_EQ(stats().enters.get(), 0u);
}

TEST_F(PipelineTest, StringLengthsBeyondTheRecordAreCountedShort) {
  auto e = testing::spec(IOR_SC_openat, kPid, kTid, 5);
  e.str0 = "/etc/passwd";
  auto r = testing::enter_record(e);
  r.pop_back();  // the record claims 11 string bytes but holds 10
  feed(r);
  EXPECT_EQ(stats().decode_short.get(), 1u);
}

TEST_F(PipelineTest, ExitShorterThanItsStructIsCountedShort) {
  auto r = testing::exit_record(IOR_SC_read, kPid, kTid, 5, 0);
  r.resize(sizeof(ior_exit_event) - 4);
  feed(r);
  EXPECT_EQ(stats().decode_short.get(), 1u);
}

TEST_F(PipelineTest, AnExitWithStringsShorterThanItsStringsIsCountedShort) {
  auto r = testing::exit_str_record(IOR_SC_openat, kPid, kTid, 5, 3, IOR_STR0_FAULT, "/etc/passwd", "");
  r.pop_back();
  feed(r);
  r.resize(sizeof(ior_exit_str_event) - 1);
  feed(r);
  EXPECT_EQ(stats().decode_short.get(), 2u);
  EXPECT_EQ(stats().exits.get(), 0u);
}

TEST_F(PipelineTest, TaskRecordShorterThanItsStructIsCountedShort) {
  for (std::uint16_t kind : {IOR_EVENT_FORK, IOR_EVENT_TASK_EXIT, IOR_EVENT_EXEC}) {
    auto r = testing::task_record(kind, kPid, kTid, 5);
    r.resize(sizeof(ior_task_event) - 1);
    feed(r);
  }
  EXPECT_EQ(stats().decode_short.get(), 3u);
  EXPECT_EQ(stats().task_events.get(), 0u);
}

TEST_F(PipelineTest, EmptyRecordIsCountedShort) {
  feed(Record{});
  EXPECT_EQ(stats().decode_short.get(), 1u);
}

TEST_F(PipelineTest, TrailingBytesAfterTheStringsAreIgnored) {
  // The ring buffer rounds records up to 8 bytes; padding must not matter.
  auto e = testing::spec(IOR_SC_unlink, kPid, kTid, 5);
  e.str0 = "/a";
  auto r = testing::enter_record(e);
  r.resize(r.size() + 6, std::byte{0x55});
  feed(r);
  auto x = testing::exit_record(IOR_SC_unlink, kPid, kTid, 9, 0);
  x.resize(x.size() + 3);
  feed(x);
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().pathname, "/a");
}

TEST_F(PipelineTest, RecordsAreCountedPerSyscallAndKind) {
  syscall(IOR_SC_read, 1, {3, 1, 0});
  syscall(IOR_SC_read, 1, {3, 1, 0});
  feed(testing::enter_record(testing::spec(IOR_SC_write, kPid, kTid, clock_)));
  EXPECT_EQ(stats().per_syscall[IOR_SC_read][0].get(), 2u);
  EXPECT_EQ(stats().per_syscall[IOR_SC_read][1].get(), 2u);
  EXPECT_EQ(stats().per_syscall[IOR_SC_write][0].get(), 1u);
  EXPECT_EQ(stats().per_syscall[IOR_SC_write][1].get(), 0u);
  EXPECT_EQ(stats().enters.get(), 3u);
  EXPECT_EQ(stats().exits.get(), 2u);
  EXPECT_EQ(stats().records.get(), 5u);
}

TEST_F(PipelineTest, UnknownKindIsCountedAndSkipped) {
  auto r = testing::exit_record(IOR_SC_read, kPid, kTid, 5, 0);
  r[0] = std::byte{99};
  feed(r);
  EXPECT_EQ(stats().decode_unknown_kind.get(), 1u);
}

TEST_F(PipelineTest, SyscallIdOutOfRangeIsCountedAndSkipped) {
  feed(testing::exit_record(0, kPid, kTid, 5, 0));
  feed(testing::exit_record(IOR_SC_COUNT, kPid, kTid, 5, 0));
  auto e = testing::spec(static_cast<std::uint16_t>(IOR_SC_COUNT + 7), kPid, kTid, 5);
  feed(testing::enter_record(e));
  EXPECT_EQ(stats().decode_bad_syscall.get(), 3u);
  EXPECT_EQ(stats().exits.get(), 0u);
}

TEST_F(PipelineTest, GarbageRecordsOfEveryKindAreCountedNeverCrash) {
  std::uint64_t fed = 0;
  for (std::uint16_t kind = 0; kind <= 8; ++kind) {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, sizeof(ior_event_header),
                             sizeof(ior_exit_event), sizeof(ior_task_event),
                             sizeof(ior_enter_event), sizeof(ior_paired_event), std::size_t{300}}) {
      for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        feed(testing::garbage_record(size, kind, seed));
        ++fed;
      }
    }
  }
  const auto& s = stats();
  // A paired record decoded counts as its two records (enter and exit).
  EXPECT_GE(s.records.get(), fed);
  // Every record is accounted for exactly once: rejected, or decoded as its kind.
  EXPECT_EQ(s.decode_short.get() + s.decode_unknown_kind.get() + s.decode_bad_syscall.get() +
                s.enters.get() + s.exits.get() + s.task_events.get(),
            s.records.get());
  EXPECT_EQ(s.internal_errors.get(), 0u);
}

TEST_F(PipelineTest, EveryPrefixOfAValidRecordIsShort) {
  auto e = testing::spec(IOR_SC_renameat, kPid, kTid, 5);
  e.str0 = "/from";
  e.str1 = "/to";
  auto full = testing::enter_record(e);
  for (std::size_t n = 0; n < full.size(); ++n) feed(testing::truncated(full, n));
  EXPECT_EQ(stats().decode_short.get(), full.size());
  EXPECT_EQ(stats().enters.get(), 0u);
}

TEST_F(PipelineTest, UnalignedRecordsDecode) {
  auto e = testing::spec(IOR_SC_mkdir, kPid, kTid, 5);
  e.str0 = "/tmp/x";
  auto r = testing::enter_record(e);
  Record shifted(r.size() + 1);
  std::memcpy(shifted.data() + 1, r.data(), r.size());
  pipeline_->feed(std::span<const std::byte>(shifted.data() + 1, r.size()));
  feed(testing::exit_record(IOR_SC_mkdir, kPid, kTid, 9, 0));
  ASSERT_EQ(consumer_.rows.size(), 1u);
  EXPECT_EQ(last().pathname, "/tmp/x");
}

}  // namespace
}  // namespace ior::event
