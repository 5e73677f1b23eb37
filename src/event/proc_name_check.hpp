#pragma once
// Checks the names /proc gives for fds ior did not see opened, and for the
// current directories of processes ior met running, before their rows go on.
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
// file: the waiting rows of that fd lose it and say fd-unknown instead. The
// same holds for every name made from that one (a dup of N, a path joined to
// it, a fork's copy), and for a cwd read from /proc that a chdir entered
// before the read had already moved: paths joined to it go back to the name
// as passed, with path-unresolved.
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
#include "event/pipeline.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

/// One column of a row whose name was made from a /proc read, and what the
/// column says instead when that read proves wrong.
struct NameUse {
  enum class Undo : std::uint8_t {
    kFd,          ///< an fd's name: empty, fd-unknown
    kPassed,      ///< a path made from the first name: the name as passed, path-unresolved
    kPassedNew,   ///< a path made from the second name: the same
  };
  enum class Column : std::uint8_t { kFilename, kFilename2, kPathname, kOldname, kNewname };
  NameSource source;
  Column column = Column::kFilename;
  Undo undo = Undo::kFd;
};

class ProcNameCheck {
 public:
  static constexpr std::size_t kMaxRows = 8192;
  static constexpr std::size_t kMaxBytes = std::size_t{4} << 20;
  static constexpr std::size_t kMaxWatches = 1u << 16;
  static constexpr std::size_t kMaxUses = 4;

  /// stale counts the rows whose /proc name was dropped.
  ProcNameCheck(RowConsumer& consumer, Counter& stale) : consumer_(consumer), stale_(stale) {}

  /// The consumer gets the row now, or once the names before it are
  /// checked. uses: its columns made from /proc reads (at most kMaxUses);
  /// those whose read may still be contradicted are checked.
  void pass(const schema::EventRow& row, std::span<const NameUse> uses = {}) {
    if (uses.empty() && held_.empty() && watches_.empty()) {  // nearly every row
      consumer_.on_row(row);
      return;
    }
    pass_checked(row, uses);
  }
  /// A syscall that entered at enter_ns was applied to the fd table;
  /// before: the sources of the fds and cwd it was about to change, as the
  /// table held them (direct /proc reads the reader may not have got past).
  /// One the change replaced, when the syscall entered before the read, was
  /// wrong (/proc already showed what came after): the waiting rows made
  /// from it lose those names, and so does the table (FdTable::forget_from),
  /// so no later row takes them (a child forked with a copy of a cwd its
  /// parent left). Whether or not a waiting row uses the read yet.
  void after_change(std::uint64_t enter_ns, std::span<const NameSource> before, FdTable& fds);
  /// The same for close_range of pid, which may change any of its fds:
  /// every read of them that waiting rows use is checked.
  void after_close_range(std::uint32_t pid, std::uint64_t enter_ns, FdTable& fds);
  /// Whether a direct read of this source may still be contradicted.
  bool fresh(const NameSource& s) const { return s.any() && !s.derived && s.read_ns > handled_to_; }
  /// Every record keyed up to t (CLOCK_MONOTONIC ns) has been handled.
  void handled_up_to(std::uint64_t t);
  /// Reads at or before this time can no longer be contradicted.
  std::uint64_t handled_to() const { return handled_to_; }
  /// Hands every waiting row on (end of the run).
  void release();
  bool watching() const { return !watches_.empty(); }

 private:
  static constexpr std::size_t kStrings = 13;
  struct HeldRow {
    schema::EventRow row;  // its strings are in spans, not in the views
    std::array<std::pair<std::uint32_t, std::uint32_t>, kStrings> spans{};  // offset and size in arena_
    std::array<NameUse, kMaxUses> uses{};
    std::uint8_t use_count = 0;
    std::uint8_t dropped = 0;  // a bit per use
  };
  static std::uint64_t key(std::uint32_t pid, std::int32_t fd) {
    return (std::uint64_t{pid} << 32) | static_cast<std::uint32_t>(fd);
  }

  void pass_checked(const schema::EventRow& row, std::span<const NameUse> uses);
  void watch(const NameSource& s);
  void hold(const schema::EventRow& row, std::span<const NameUse> uses);
  void drop_names(const NameSource& read);
  void drop_use(HeldRow& h, std::size_t use);
  bool still_read(const NameSource& read, const FdTable& fds) const;

  RowConsumer& consumer_;
  Counter& stale_;
  std::unordered_map<std::uint64_t, std::uint64_t> watches_;  // (pid, fd or kCwd) -> when /proc was read
  std::deque<HeldRow> held_;
  std::uint64_t first_seq_ = 0;  // the number of held_.front()
  // (pid, fd or kCwd) of a watched read -> (number of a held row, its use)
  std::unordered_multimap<std::uint64_t, std::pair<std::uint64_t, std::uint8_t>> held_by_read_;
  std::string arena_;
  std::uint64_t handled_to_ = 0;
};

}  // namespace ior::event
