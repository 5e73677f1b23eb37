#pragma once
// Checks the names /proc gives for fds ior did not see opened, before their
// rows go on.
//
// Such a name (an fd received over a unix socket, from pidfd_getfd,
// open_by_handle_at, io_uring, or opened before tracing) is read from
// /proc/PID/fd/N when ior handles the row, milliseconds after the syscall.
// If the process closed N and opened another file on it in between, /proc
// names the other file. The syscalls that did that are records too, keyed
// before the /proc read: so the rows go on only once every record up to the
// read has been handled (the next round of the ring reader, 10 ms). Until
// then every row waits, in order. A syscall of that process that entered
// before the read and closed or replaced N shows the name was not the row's
// file: the waiting rows of that fd lose it and say fd-unknown instead.
//
// Bounded: past kMaxRows waiting rows or kMaxBytes of their text, the rows
// go on unchecked (as before there was a check).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "base/counter.hpp"
#include "event/fd_table.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

class RowConsumer;

class ProcNameCheck {
 public:
  static constexpr std::size_t kMaxRows = 1u << 16;
  static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;
  static constexpr std::size_t kMaxWatches = 1024;

  /// stale counts the rows whose /proc name was dropped.
  ProcNameCheck(RowConsumer& consumer, Counter& stale) : consumer_(consumer), stale_(stale) {}

  /// The consumer gets the row now, or once the names before it are checked.
  void pass(const schema::EventRow& row);
  /// The row being built named fd of pid from /proc (entry e): it is checked
  /// while records up to the /proc read may still come.
  void watch(std::uint32_t pid, std::int32_t fd, const FdEntry& e);
  /// A syscall of pid that entered at enter_ns was applied to the fd table:
  /// a watched fd it closed or replaced had been named from /proc after it.
  void after_effects(std::uint32_t pid, std::uint64_t enter_ns, FdTable& fds);
  /// Every record keyed up to t (CLOCK_MONOTONIC ns) has been handled.
  void handled_up_to(std::uint64_t t);
  /// Hands every waiting row on (end of the run).
  void release();
  bool watching() const { return !watches_.empty(); }

 private:
  struct Watch {
    std::uint32_t pid;
    std::int32_t fd;
    std::uint64_t read_ns;  // when /proc was read
  };
  struct HeldRow {
    schema::EventRow row;  // its strings point into text
    std::unique_ptr<char[]> text;
    std::size_t bytes = 0;
  };

  void hold(const schema::EventRow& row);
  void drop_name(const Watch& w);

  RowConsumer& consumer_;
  Counter& stale_;
  std::vector<Watch> watches_;
  std::deque<HeldRow> held_;
  std::size_t held_bytes_ = 0;
  std::uint64_t handled_to_ = 0;
};

}  // namespace ior::event
