#pragma once
// Feeds synthetic records through event::Pipeline (the interface the ring
// buffer feeds) and keeps copies of the rows it emits.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "event/pipeline.hpp"
#include "record_builder.hpp"

namespace ior::event {

struct OwnedRow {
  schema::EventRow row;  // string views replaced by the strings below
  std::string comm, syscall_name, filename, filename2, pathname, oldname, newname, passed_name, passed_newname, hostname, cgroup,
      container_id;
};

class CollectingConsumer final : public RowConsumer {
 public:
  void on_row(const schema::EventRow& r) noexcept override {
    OwnedRow o;
    o.row = r;
    o.comm = r.comm;
    o.syscall_name = r.syscall_name;
    o.filename = r.filename;
    o.filename2 = r.filename2;
    o.pathname = r.pathname;
    o.oldname = r.oldname;
    o.newname = r.newname;
    o.passed_name = r.passed_name;
    o.passed_newname = r.passed_newname;
    o.hostname = r.hostname;
    o.cgroup = r.cgroup;
    o.container_id = r.container_id;
    rows.push_back(std::move(o));
  }
  std::vector<OwnedRow> rows;
};

/// A /proc of the test's own under the temp directory (links and files for
/// what Linux would show there), removed with it.
struct FakeProc {
  explicit FakeProc(const std::string& tag)
      : root(std::filesystem::temp_directory_path() / ("ior-fakeproc-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~FakeProc() { std::filesystem::remove_all(root); }
  FakeProc(const FakeProc&) = delete;
  FakeProc& operator=(const FakeProc&) = delete;
  /// A symlink at `at` (under the root) to target, its directories made first.
  void link(const std::filesystem::path& at, const std::string& target) const {
    std::filesystem::create_directories((root / at).parent_path());
    std::filesystem::create_symlink(target, root / at);
  }
  const std::filesystem::path root;
};

class PipelineTest : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kPid = 100;
  static constexpr std::uint32_t kTid = 101;

  PipelineTest() { make_pipeline({}); }

  void make_pipeline(PipelineOptions o) {
    if (o.proc_root == "/proc") o.proc_root = empty_proc_;
    pipeline_ = std::make_unique<Pipeline>(std::move(o), consumer_);
  }

  /// A new pipeline that asks proc (not /proc) about what it never saw.
  void make_pipeline_over(const FakeProc& proc) {
    PipelineOptions o;
    o.proc_root = proc.root.string();
    make_pipeline(o);
  }

  /// As the ring reader: each record is followed by the end of its round
  /// (every record up to now handled), unless a test holds the rounds back.
  void feed(const testing::Record& r) {
    pipeline_->feed(r);
    if (rounds_end_) pipeline_->handled_up_to(UINT64_MAX);
  }

  /// One whole syscall (enter at t, exit at t + 10) on kPid/kTid unless given.
  void syscall(std::uint16_t id, std::int64_t ret, std::array<std::uint64_t, 3> args = {},
               std::string_view s0 = {}, std::string_view s1 = {}, std::uint32_t pid = kPid,
               std::uint32_t tid = kTid) {
    testing::EnterSpec e;
    e.syscall = id;
    e.pid = pid;
    e.tid = tid;
    e.time_ns = clock_;
    e.args = args;
    e.str0 = s0;
    e.str1 = s1;
    feed(testing::enter_record(e));
    feed(testing::exit_record(id, pid, tid, clock_ + 10, ret));
    clock_ += 100;
  }

  /// A whole syscall as the enter e describes it (its time: now), exit ret.
  void syscall_of(testing::EnterSpec e, std::int64_t ret) {
    e.time_ns = clock_;
    feed(testing::enter_record(e));
    feed(testing::exit_record(e.syscall, e.pid, e.tid, clock_ + 10, ret));
    clock_ += 100;
  }

  const OwnedRow& last() const { return consumer_.rows.back(); }
  const PipelineStats& stats() const { return pipeline_->stats(); }

  std::string empty_proc_ = "/nonexistent-proc-root";
  bool rounds_end_ = true;
  CollectingConsumer consumer_;
  std::unique_ptr<Pipeline> pipeline_;
  std::uint64_t clock_ = 1'000'000;
};

}  // namespace ior::event
