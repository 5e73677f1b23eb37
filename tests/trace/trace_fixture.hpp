#pragma once
// Helpers for the BPF tests: a handler that decodes raw ring-buffer records
// on its own (memcpy of the bpf/ior_event.h structs, independent of
// src/event), a workload child held before exec so its pid is known before
// tracing starts, and the workload's manifest.

#include <gtest/gtest.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "subprocess.hpp"
#include "workload_manifest.hpp"
#include "trace/tracer.hpp"

namespace ior::testing {

/// One ring-buffer record, decoded field by field.
struct Record {
  std::uint16_t kind = 0;
  std::uint16_t syscall = 0;
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::uint64_t time_ns = 0;
  std::uint64_t args[3] = {0, 0, 0};  // enter
  std::string comm;                   // enter, task events
  std::string str0, str1;             // enter; exit with strings: those read again
  std::uint8_t str_flags = 0;         // enter; exit with strings: of that reading
  std::uint8_t reread = 0;            // exit with strings: IOR_STR0_FAULT / IOR_STR1_FAULT read again
  std::int64_t ret = 0;               // exit
  std::uint32_t parent_pid = 0;       // task events
  std::uint32_t task_flags = 0;       // task events
  /// Enter or exit half of one IOR_EVENT_PAIRED record (kind is then
  /// IOR_EVENT_ENTER or IOR_EVENT_EXIT, the time the half's own).
  bool paired = false;

  bool is_enter() const;
  bool is_exit() const;
  std::string_view name() const;  ///< the syscall's name ("" for task events)
};

/// The syscalls.def name of a syscall id, "" when out of range.
std::string_view syscall_name(std::uint16_t id);

/// Decodes records and keeps those `keep` accepts (all by default). Records
/// whose size does not match their kind exactly are counted in `malformed`.
/// A paired record becomes its enter and its exit (Record::paired), so the
/// tests compare what was traced whichever way the kernel sent it.
class Collector : public trace::RecordHandler {
 public:
  std::function<bool(const Record&)> keep;
  std::vector<Record> records;
  std::uint64_t seen = 0;  ///< ring-buffer records (a paired one once)
  std::uint64_t malformed = 0;

  void on_record(std::span<const std::byte> bytes) noexcept override;
};

/// Keeps the records of one process and of every process it forks (followed
/// through FORK records, which the kernel emits before the child runs).
class TreeCollector : public Collector {
 public:
  explicit TreeCollector(std::uint32_t root);
  TreeCollector(const TreeCollector&) = delete;  // `keep` points at this object
  TreeCollector& operator=(const TreeCollector&) = delete;
  const std::set<std::uint32_t>& pids() const { return pids_; }

 private:
  std::set<std::uint32_t> pids_;
};

/// A child process stopped before exec until release(): its pid is known
/// before the tracer starts, and everything it execs is traced.
class HeldChild {
 public:
  explicit HeldChild(std::vector<std::string> argv);
  ~HeldChild();
  HeldChild(const HeldChild&) = delete;
  HeldChild& operator=(const HeldChild&) = delete;

  pid_t pid() const { return pid_; }
  void release();
  /// Reads stdout to EOF and reaps; returns stdout, fails the test on a bad exit.
  std::string finish();

 private:
  pid_t pid_ = -1;
  int gate_ = -1;  // write end: closing it lets the child exec
  int out_ = -1;   // read end of the child's stdout
};

/// Options that trace only the calling thread (the test makes the syscalls).
trace::TracerOptions this_thread_only();

}  // namespace ior::testing
