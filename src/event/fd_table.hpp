#pragma once
// Which file each (process, fd) names, with its open flags, and each
// process's current directory. Keyed by pid: fd numbers are per process, and
// a process's whole table goes when it ends. The current directory is what
// chdir/fchdir set and fork copies; for a process that ran before tracing it
// is read once from /proc/PID/cwd. The threads of a process share it, but
// for a thread that has one of its own (it called unshare(CLONE_FS), or was
// created without CLONE_FS): that one is kept by tid until the thread ends.
// A process that clone created with CLONE_FILES (no CLONE_THREAD) shares
// its creator's fd table, as in the kernel, until it execs, unshares it or
// ends; the table lives on while any of the processes sharing it does.
// Fds opened before tracing began are resolved once through /proc and cached;
// an fd that /proc cannot resolve is cached as unknown only after a syscall
// on it succeeded (the fd existed): a failing syscall caches nothing, so a
// loop of failing calls on made-up fd numbers costs no memory.
//
// Bounded, since every traced process can grow it: names are interned
// (NameTable: dups and forks share one copy), each process keeps at most
// max_fds_per_process entries, and all entries and names together stay
// within max_bytes. Past a bound, entries are forgotten (counted), largest
// processes first; a forgotten fd that is used again is resolved through
// /proc like an fd opened before tracing.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/counter.hpp"
#include "event/name_table.hpp"
#include "event/proc_fd_lookup.hpp"

namespace ior::event {

/// The /proc read a name depends on: read there (the fd's own link, or the
/// process's cwd), or made from such a name (a dup, a name joined to such a
/// directory, a fork's copy). Such a name may be wrong when the process
/// changed that fd or cwd before the read (event/proc_name_check.hpp).
struct NameSource {
  static constexpr std::int32_t kCwd = -2;  ///< fd of a process's cwd
  std::uint32_t pid = 0;
  std::int32_t fd = 0;         ///< or kCwd
  std::uint64_t read_ns = 0;   ///< CLOCK_MONOTONIC ns after the read; 0: no /proc read behind the name
  bool derived = false;        ///< made from the name read, not the read itself
  bool any() const { return read_ns != 0; }
  bool same_read(const NameSource& o) const { return read_ns == o.read_ns && pid == o.pid && fd == o.fd; }
  NameSource made_from() const {
    NameSource s = *this;
    s.derived = true;
    return s;
  }
};

struct FdEntry {
  SharedName name;
  std::int32_t flags = 0;
  bool from_proc = false;  ///< learned through /proc, not seen opened
  bool unknown = false;    ///< negative cache: /proc could not resolve it
  bool unresolved = false; ///< name is the relative name as opened: its directory was unknown
  bool truncated = false;  ///< name was cut at -strMax when opened: every row that uses it says so
  bool dup_shared = false; ///< a dup of this fd was made in this process (or it is one)
  bool fork_shared = false;///< a fork copied it (this entry, or the one it was copied from)
  /// The open file description: dups and fork copies share it, and with
  /// it the status flags F_SETFL sets. Unique per open (wraps after 2^32).
  std::uint32_t description = 0;
  /// The exit time (kernel clock) of the syscall that gave this fd number
  /// out; 0 when not seen (learned through /proc, inherited).
  std::uint64_t since_ns = 0;
  NameSource source;
};

/// A process's current directory, when known.
struct Cwd {
  std::string_view path;   ///< clean absolute path
  bool from_proc = false;  ///< read from /proc/PID/cwd, not seen set
  NameSource source;
};

struct FdTableLimits {
  /// A process rarely has more open; past it its own entries make room.
  std::size_t max_fds_per_process = 1u << 16;
  /// Entries, processes and names together (estimated heap bytes).
  std::size_t max_bytes = std::size_t{64} << 20;
};

/// What the syscall that used an fd says about it.
enum class FdUse {
  kSucceeded,  ///< the fd existed
  kFailed,     ///< failed for another reason than the fd (it existed)
  kBadFd,      ///< EBADF: most likely no such fd; nothing is looked up
};
FdUse fd_use_of(std::int64_t ret);

class FdTable {
 public:
  /// evictions: counts every entry forgotten to stay within the limits.
  FdTable(const ProcFdLookup& proc, FdTableLimits limits, Counter& evictions);

  /// since_ns: the exit time of the syscall that gave the fd out. An entry
  /// it replaces is kept apart (released()) for the close still to come.
  /// name_notice: the row's notice bits about the name; path-unresolved and
  /// truncated stay with the entry for every row that uses it.
  /// source: the /proc read the name was made from (a directory named
  /// through /proc), if any.
  void add(std::uint32_t pid, std::int32_t fd, std::string_view name, std::int32_t flags,
           std::uint64_t since_ns = 0, std::uint8_t name_notice = 0, NameSource source = {});
  /// The entry, asking /proc when the fd was never seen; nullptr for fd < 0.
  /// The pointer stays valid until the table next changes.
  const FdEntry* resolve(std::uint32_t pid, std::int32_t fd, FdUse use);
  /// newfd becomes a copy of oldfd (dup, dup2, dup3, fcntl F_DUPFD*).
  /// since_ns as for add(): the exit time of the syscall (dup and F_DUPFD*
  /// take the lowest free number, which a close still running in another
  /// thread may just have freed; dup2 and dup3 replace an open newfd,
  /// which a syscall of another thread may still be running on).
  void dup(std::uint32_t pid, std::int32_t oldfd, std::int32_t newfd, bool cloexec, std::uint64_t since_ns = 0);
  /// fcntl(F_SETFL), only the flags Linux lets it change: the status flags of the fd's open file description, and so
  /// of the process's dups of it and of the fork copies at the same fd
  /// number in other processes. (Not of a copy another process moved to
  /// another number: it keeps the flags it had.)
  void set_status_flags(std::uint32_t pid, std::int32_t fd, std::int32_t flags);
  /// One status flag on or off (ioctl FIONBIO, FIOASYNC), as set_status_flags.
  void set_status_flag(std::uint32_t pid, std::int32_t fd, std::int32_t flag, bool on);
  void set_cloexec(std::uint32_t pid, std::int32_t fd, bool on);
  void close(std::uint32_t pid, std::int32_t fd);
  /// A close whose syscall entered at enter_ns. Linux frees the number
  /// before the close returns, so another thread may get it again (more
  /// than once) and those records may come first (they returned first):
  /// when the entry now held was given out after enter_ns, the close is of
  /// the replaced entry given out last before enter_ns and replaced after
  /// it, and the newer stays. The closed entry stays a while (the newest
  /// few per process) for the syscalls that entered before the close and
  /// return after it (a read another thread is blocked in).
  void close_entered_at(std::uint32_t pid, std::int32_t fd, std::uint64_t enter_ns);
  /// The entry of the file a syscall on fd that entered at enter_ns ran on:
  /// the kernel holds that file for the whole call, while another thread
  /// may close the number and have it given out again (more than once)
  /// before the call returns. The entry given out last before enter_ns
  /// (held, or released or closed, see close_entered_at); when the number
  /// was given out again after enter_ns and the older entry is no longer kept, an
  /// unknown entry (fd-unknown), never the newer file. As resolve()
  /// otherwise.
  const FdEntry* resolve_at(std::uint32_t pid, std::int32_t fd, FdUse use, std::uint64_t enter_ns);
  /// close_range(lo, hi, flags): removes, or with CLOSE_RANGE_CLOEXEC marks.
  void close_range(std::uint32_t pid, std::uint32_t lo, std::uint32_t hi, std::uint32_t flags);
  /// A new process starts with a copy of its parent's table and of the
  /// forking thread's (parent_tid's) cwd.
  void fork(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child);
  /// As fork(), but created with CLONE_FILES: the child shares the
  /// parent's table (an fd either opens or closes is the other's too).
  void fork_sharing_files(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child);
  /// unshare(CLONE_FILES), close_range(CLOSE_RANGE_UNSHARE), exec: a
  /// process that shares its table gets a copy of its own.
  void unshare_files(std::uint32_t pid);
  /// exec closes the O_CLOEXEC fds. The exec'ing thread (old_tid before
  /// it took the leader's) is the process's only one now: a cwd of its own
  /// becomes the process's.
  void exec(std::uint32_t pid, std::uint32_t old_tid);
  /// The current directory of thread tid of process pid, from /proc when
  /// it was never seen (a negative answer is kept until the next chdir);
  /// nullopt when unknown. The view stays valid until the table next changes.
  std::optional<Cwd> cwd(std::uint32_t pid, std::uint32_t tid);
  /// Whether that cwd was set by a traced syscall or already read from
  /// /proc (cwd() would not read /proc now).
  bool cwd_read(std::uint32_t pid, std::uint32_t tid) const;
  /// chdir/fchdir to a known directory (clean absolute path); via_proc: the
  /// path was made from a name learned through /proc (it keeps the notice),
  /// source: the read it was made from.
  void set_cwd(std::uint32_t pid, std::uint32_t tid, std::string_view path, bool via_proc = false,
               NameSource source = {});
  /// The source of the process's cwd as the table holds it (no /proc read);
  /// none when unread, unknown or not from /proc.
  NameSource cwd_source(std::uint32_t pid) const;
  /// The read `read` proved wrong: every fd entry named from it is
  /// forgotten (asked of /proc again at its next use), every cwd made from
  /// it too.
  void forget_from(const NameSource& read);
  /// When /proc was last read for a name (0: never): no name is younger.
  std::uint64_t last_proc_read_ns() const { return last_proc_read_ns_; }
  /// The directory changed to one ior cannot name: the next use asks /proc
  /// (unless /proc already failed for it: then it stays unknown until a
  /// chdir ior can resolve).
  void forget_cwd(std::uint32_t pid, std::uint32_t tid);
  /// unshare(CLONE_FS): the thread's cwd is its own from now on, starting
  /// where it is.
  void unshare_cwd(std::uint32_t pid, std::uint32_t tid);
  /// For a process met running: when one of its threads has a cwd of its
  /// own (unshare(CLONE_FS) before tracing), its cwd and its threads' are
  /// read now, as cwd() does; otherwise nothing is kept. A thread that
  /// ends before ior handles its first row could not be asked later.
  void learn_own_thread_cwds(std::uint32_t pid);
  /// A thread created without CLONE_FS by parent_tid: its cwd is its own,
  /// starting at its creator's.
  void new_thread_cwd(std::uint32_t pid, std::uint32_t parent_tid, std::uint32_t tid);
  /// The thread ended: a cwd of its own goes.
  void drop_thread(std::uint32_t pid, std::uint32_t tid);
  /// A rename: every fd and cwd of every process named exactly `from` is
  /// named `to` (with exchange, those named `to` are named `from`). One
  /// hash lookup when no one holds either name; a pass over the table when
  /// an open file or a cwd is renamed. Names under a renamed directory keep
  /// the old directory (docs/ARCHITECTURE.md).
  /// Only in processes that share the renaming process's root (pid's:
  /// /proc/PID/root, the same directory): a process in another chroot or
  /// container names other files by the same text.
  /// A renamer gone before its rename is handled (a short-lived mv) is
  /// taken to share its parent's root (ppid).
  /// In a process of another mount namespace than the renamer's (mnt_ns,
  /// from the rename's record; 0: ask /proc) the same text may be another
  /// file (unshare -m and a tmpfs over the directory): there a name moves
  /// only when /proc shows the new name leads to the file it holds.
  void rename(std::uint32_t pid, std::uint32_t ppid, std::uint32_t mnt_ns, std::string_view from,
              std::string_view to, bool exchange);
  /// setns, unshare(CLONE_NEWNS): the process's root and mount namespace
  /// are asked again when a rename needs them.
  void root_changed(std::uint32_t pid);
  /// The mount namespace a new process started in (its fork record's); 0
  /// changes nothing.
  void set_mnt_ns(std::uint32_t pid, std::uint32_t mnt_ns);
  /// chroot to dir (as the process named it): its root is that directory
  /// as ior finds it, or, when ior cannot look at it, one shared with no
  /// process it did not fork (a chroot's mv may be gone before its rename
  /// is handled, and /proc then has nothing to say).
  void chrooted(std::uint32_t pid, std::string_view dir);
  /// The process ended.
  void drop_process(std::uint32_t pid);
  /// Drops the tables of processes (and the cwds of threads) that /proc did
  /// not show at this call and the one before (their exit record was lost);
  /// asks /proc once per process and per thread with a cwd of its own.
  void drop_dead_processes();

  std::size_t process_count() const { return procs_.size(); }
  std::size_t sharing_count() const { return files_owner_.size(); }
  std::size_t thread_cwd_count() const { return thread_cwds_.size(); }
  std::size_t entry_count() const { return entries_; }
  std::size_t name_count() const { return names_.count(); }
  /// Estimated heap bytes held: what max_bytes bounds.
  std::size_t bytes() const;
  /// The most bytes() has been since the last call (which resets it).
  std::size_t take_peak_bytes();
  /// Entry as stored, without /proc (for tests).
  const FdEntry* find(std::uint32_t pid, std::int32_t fd) const;

  /// The rows built from the table can hold two of its names at once.
  static constexpr std::size_t kRowNameSlots = 2;
  /// name's text, kept alive until slot is taken again: the row being
  /// built views it, and building the rest of that row may drop the entry
  /// it came from (an accept whose new fd got the number of the fd it was
  /// called on, a /proc lookup for the second fd that makes room).
  std::string_view hold_for_row(std::size_t slot, const SharedName& name);

 private:
  using Fds = std::unordered_map<std::int32_t, FdEntry>;
  /// An entry whose number was given out again before its close was seen,
  /// or (closed) one closed while a syscall of another thread may still be
  /// running on it.
  struct Released {
    std::int32_t fd = -1;
    /// since_ns of the entry that took the number; for a closed one, when
    /// its close entered.
    std::uint64_t replaced_ns = 0;
    FdEntry entry;
    bool closed = false;
  };
  using ReleasedFds = std::vector<Released>;
  enum class CwdState : std::uint8_t { kUnread, kTraced, kFromProc, kUnknown };
  /// A current directory as ior knows it; the name is held while named().
  struct CwdSlot {
    SharedName name;
    CwdState state = CwdState::kUnread;
    bool named() const { return state == CwdState::kTraced || state == CwdState::kFromProc; }
    NameSource source;
    std::optional<Cwd> known() const {
      return named() ? std::optional<Cwd>(Cwd{name.view(), state == CwdState::kFromProc, source}) : std::nullopt;
    }
    /// To be read again at its next use, unless /proc already failed for it
    /// (then it stays unknown until a chdir ior can resolve). The bytes of
    /// the name it let go.
    std::size_t forget() {
      if (state == CwdState::kUnknown) return 0;
      const std::size_t size = name.view().size();
      *this = CwdSlot{};
      return size;
    }
  };
  struct Process {
    Fds fds;
    ReleasedFds released;  ///< a few, oldest first: closes still running when their number was reused, recent closes
    std::size_t name_bytes = 0;  ///< sum of its entries' and cwd's name sizes (shared names counted per use)
    CwdSlot cwd;
    bool dead_at_last_sweep = false;
    bool root_read = false;       ///< root was asked of /proc (a rename needed it)
    std::uint32_t mnt_ns = 0;     ///< its mount namespace; 0: unknown (asked of /proc when a rename needs it); in the bools' padding
    std::optional<RootId> root;   ///< nullopt: unknown (then it takes every rename)
  };
  /// The cwd of a thread that has its own.
  struct ThreadCwd {
    std::uint32_t pid = 0;
    CwdSlot cwd;
    bool dead_at_last_sweep = false;
  };

  /// Inserts or replaces; makes room first.
  FdEntry& put(std::uint32_t pid, std::int32_t fd, FdEntry entry);
  Fds::iterator erase(Process& p, Fds::iterator it);
  /// The replaced entry a close that entered at enter_ns is about, if any.
  ReleasedFds::iterator released_for(Process& p, std::int32_t fd, std::uint64_t enter_ns);
  /// Keeps entry, closed by a close that entered at close_enter_ns, for
  /// resolve_at; the oldest closed one goes past a few.
  void keep_closed(Process& p, std::int32_t fd, std::uint64_t close_enter_ns, FdEntry entry);
  /// Forgets entries, largest processes first, until `incoming` more bytes fit.
  void make_room(std::size_t incoming);
  void evict_some(Process& p, std::size_t n);
  void put_cwd(std::uint32_t pid, CwdSlot cwd);
  /// The threads of a process whose cwd was just read from /proc that have
  /// a cwd of their own (main_cwd: the main thread's, as read).
  void learn_thread_cwds(std::uint32_t pid, const std::string& main_cwd);
  /// The process's root as /proc gives it, asked once (nullopt: unknown).
  std::optional<RootId> root_of(std::uint32_t pid);
  /// The process's mount namespace, asked of /proc when unknown (0: gone).
  std::uint32_t mnt_ns_of(std::uint32_t pid);
  /// The process's cwd, read from /proc first when unread.
  std::optional<Cwd> process_cwd(std::uint32_t pid);
  /// tid's own cwd, or nullptr when it shares the process's.
  ThreadCwd* own_cwd(std::uint32_t pid, std::uint32_t tid);
  const ThreadCwd* own_cwd(std::uint32_t pid, std::uint32_t tid) const;
  /// A new own cwd for tid, starting at from (a thread's or the process's).
  void put_thread_cwd(std::uint32_t pid, std::uint32_t tid, CwdSlot from);
  void drop_thread_cwds(std::uint32_t pid);
  /// The pid whose Process holds pid's fds: itself unless it shares them.
  std::uint32_t files_of(std::uint32_t pid) const {
    if (files_owner_.empty()) return pid;
    auto it = files_owner_.find(pid);
    return it == files_owner_.end() ? pid : it->second;
  }
  /// Another process that shares owner's table holds it from now on:
  /// moved there (owner ends) or copied (owner gets a copy of its own).
  void hand_over_files(std::uint32_t owner, bool copy);
  /// The fd part of a copy: entries and released ones, their name bytes.
  void copy_files(const Process& from, Process& to);
  /// Forgets p's fds (its cwd stays).
  void clear_files(Process& p);
  /// pid's entry, holding a copy of owner's fd table (room made for it first).
  Process& copy_files_into(std::uint32_t owner, std::uint32_t pid);
  void fork_with(std::uint32_t parent, std::uint32_t parent_tid, std::uint32_t child, bool share_files);
  void keep_thread_cwd(ThreadCwd& own, std::string_view path, CwdState state);

  /// Forgets the last find's answer: called wherever an entry or a process
  /// leaves the maps (inserts never move a node).
  void forget_last_found() const { last_found_ = nullptr; }

  const ProcFdLookup& proc_;
  FdTableLimits limits_;
  Counter& evictions_;
  NameTable names_;  // before procs_: destroyed after every SharedName in it
  std::array<SharedName, kRowNameSlots> row_names_;
  std::unordered_map<std::uint32_t, Process> procs_;
  std::unordered_map<std::uint32_t, ThreadCwd> thread_cwds_;  // by tid; few (rare in practice)
  // pid -> the pid whose Process holds the fd table it shares (clone with
  // CLONE_FILES and without CLONE_THREAD); rare, empty in practice.
  std::unordered_map<std::uint32_t, std::uint32_t> files_owner_;
  std::size_t entries_ = 0;
  std::size_t released_entries_ = 0;
  std::size_t peak_bytes_ = 0;
  FdEntry unknown_;
  std::uint64_t last_proc_read_ns_ = 0;
  std::uint32_t next_description_ = 0;
  std::uint64_t roots_made_up_ = 0;  // chroots ior could not look at  // a failing syscall's fd that is not in the table (unknown = true)
  // The last entry find() returned: a busy process's syscalls come in runs
  // on one fd, and two map lookups (two divisions) per row were a
  // measurable part of it.
  mutable std::uint32_t last_pid_ = 0;
  mutable std::int32_t last_fd_ = -1;
  mutable const FdEntry* last_found_ = nullptr;
};

}  // namespace ior::event
