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
// Cheap per row while rows wait (their text goes to one arena, the rows of
// each watched fd are indexed), and bounded: past kMaxRows waiting rows or
// kMaxBytes of their text, the rows go on unchecked; past kMaxWatches fds
// being checked, further names go unchecked.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <unordered_map>

#include "base/counter.hpp"
#include "event/fd_table.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

class RowConsumer;

class ProcNameCheck {
 public:
  static constexpr std::size_t kMaxRows = 8192;
  static constexpr std::size_t kMaxBytes = std::size_t{4} << 20;
  static constexpr std::size_t kMaxWatches = 1u << 16;

  /// stale counts the rows whose /proc name was dropped.
  ProcNameCheck(RowConsumer& consumer, Counter& stale) : consumer_(consumer), stale_(stale) {}

  /// The consumer gets the row now, or once the names before it are checked.
  void pass(const schema::EventRow& row);
  /// The row being built named fd of pid from /proc (entry e): it is checked
  /// while records up to the /proc read may still come.
  void watch(std::uint32_t pid, std::int32_t fd, const FdEntry& e);
  /// A syscall of pid that entered at enter_ns was applied to the fd table;
  /// touched are the fds it may have closed or given out (all of pid's with
  /// every_fd: close_range). A watched one it closed or replaced had been
  /// named from /proc after it, when the read came later.
  void after_effects(std::uint32_t pid, std::uint64_t enter_ns, std::span<const std::int32_t> touched,
                     bool every_fd, FdTable& fds);
  /// Every record keyed up to t (CLOCK_MONOTONIC ns) has been handled.
  void handled_up_to(std::uint64_t t);
  /// Hands every waiting row on (end of the run).
  void release();
  bool watching() const { return !watches_.empty(); }

 private:
  static constexpr std::size_t kStrings = 13;
  struct HeldRow {
    schema::EventRow row;  // its strings are in spans, not in the views
    std::array<std::pair<std::uint32_t, std::uint32_t>, kStrings> spans{};  // offset and size in arena_
  };
  static std::uint64_t key(std::uint32_t pid, std::int32_t fd) {
    return (std::uint64_t{pid} << 32) | static_cast<std::uint32_t>(fd);
  }

  void hold(const schema::EventRow& row);
  void drop_name(std::uint32_t pid, std::int32_t fd);
  bool check_one(std::uint32_t pid, std::int32_t fd, std::uint64_t enter_ns, FdTable& fds);

  RowConsumer& consumer_;
  Counter& stale_;
  std::unordered_map<std::uint64_t, std::uint64_t> watches_;  // (pid, fd) -> when /proc was read
  std::deque<HeldRow> held_;
  std::uint64_t first_seq_ = 0;  // the number of held_.front()
  std::unordered_multimap<std::uint64_t, std::uint64_t> held_by_fd_;  // (pid, fd) -> number of a row named from /proc
  std::string arena_;
  std::uint64_t handled_to_ = 0;
};

}  // namespace ior::event
