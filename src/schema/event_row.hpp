#pragma once
// The canonical row: one traced syscall (an enter paired with its exit).
// Every sink consumes this struct; its columns are described once, in
// columns.hpp, which drives the ClickHouse DDL and blocks and the Parquet
// schema (the console prints the Go tool's fields, not these columns).

#include <array>
#include <cstdint>
#include <string_view>

namespace ior::schema {

/// 16 bytes, RFC 4122 byte order (as ClickHouse's UUID text form prints it).
using Uuid = std::array<std::uint8_t, 16>;

/// Bits of EventRow::notice: what the row could not record exactly.
enum Notice : std::uint8_t {
  kNoticeTruncated = 0x1,     ///< a string argument was longer than -strMax and was cut
  kNoticeUnreadable = 0x2,    ///< a string argument could not be read from user memory
  kNoticeFdFromProc = 0x4,    ///< filename resolved through /proc (fd opened before tracing)
  kNoticeFdUnknown = 0x8,     ///< filename of the fd could not be resolved
  kNoticePathUnresolved = 0x10,  ///< a relative name could not be made absolute (its directory is unknown): kept as passed
  kNoticeCwdFromProc = 0x20,  ///< the current directory was read from /proc (set before tracing)
  /// Set by outputs whose strings are text (Parquet, JSON), never by the
  /// pipeline: a string of the row was not valid UTF-8, so every string of
  /// the row is written escaped (base/utf8_escape.hpp, sink/text_row.hpp).
  kNoticeEscaped = 0x40,
  /// The syscall's enter was not seen (seccomp refused the syscall before
  /// it began, or it began before tracing): its arguments are those its
  /// registers held at the exit, its timestamp is the exit's, duration 0.
  kNoticeEnterUnseen = 0x80,
};

/// What ret_value means (ret_type column).
enum class RetType : std::uint8_t {
  kValue = 0,   ///< a plain result (0 on success, a count of entries, ...)
  kFd = 1,      ///< a new file descriptor
  kBytes = 2,   ///< bytes transferred (read/write family)
  kError = 3,   ///< a negative errno
  kAddress = 4, ///< an address (mmap)
};

/// Which way a syscall moves file bytes (byte_class column). A property of the
/// syscall, not of one call: a failed read is still of class read, with 0 bytes.
enum class ByteClass : std::uint8_t {
  kNone = 0,      ///< moves no file bytes (open, stat, fsync, mmap, ...)
  kRead = 1,      ///< file or pipe -> the process's memory (read, pread64, readv, ...)
  kWrite = 2,     ///< the process's memory -> file or pipe (write, pwrite64, writev, ...)
  kTransfer = 3,  ///< between two fds, or a pipe and mapped pages (sendfile, splice, vmsplice, ...)
};

/// The byte_class column's text of a class: "none", "read", "write", "transfer".
constexpr std::string_view byte_class_name(ByteClass c) {
  switch (c) {
    case ByteClass::kNone: return "none";
    case ByteClass::kRead: return "read";
    case ByteClass::kWrite: return "write";
    case ByteClass::kTransfer: return "transfer";
  }
  return "none";
}

/// One syscall. String views stay valid only for the duration of the
/// Sink::consume() call that receives the row: sinks copy what they keep.
struct EventRow {
  std::uint64_t timestamp_ns = 0;       ///< Unix-epoch nanoseconds of the enter (wall clock)
  std::uint32_t pid = 0;                ///< process id (tgid)
  std::uint32_t tid = 0;                ///< thread id
  std::uint32_t ppid = 0;               ///< the parent process at the syscall
  std::uint32_t uid = 0;                ///< real user id
  std::uint32_t gid = 0;                ///< real group id
  std::string_view comm;                ///< thread name at the syscall
  std::uint64_t cgroup_id = 0;          ///< cgroup v2 id (0: unknown)
  std::string_view cgroup;              ///< its path below the cgroup2 root, "" when unknown
  std::string_view container_id;        ///< 64 hex digits from the cgroup path, "" outside containers
  std::string_view syscall_name;        ///< the tracepoint's syscall name, e.g. "openat"
  std::uint16_t trace_id = 0;           ///< stable syscall id (bpf/syscalls.def)
  std::uint8_t event_type = 0;          ///< syscall class (enum ior_syscall_class)
  std::int64_t ret_value = 0;           ///< the syscall's return value
  std::uint8_t ret_type = 0;            ///< RetType
  std::uint64_t bytes = 0;              ///< bytes read, written or transferred (0: none moved, or an error)
  std::string_view byte_class;          ///< byte_class_name(); "" only where unknown (rows of an older ior)
  std::int32_t fd = -1;                 ///< fd argument, or the fd returned by open
  std::string_view filename;            ///< absolute path of the file opened or behind the fd
  std::int32_t fd2 = -1;                ///< two-fd syscalls: the destination fd; pipe: the write end
  std::string_view filename2;           ///< the file behind fd2
  std::string_view pathname;            ///< absolute path of the path argument (path class)
  std::string_view oldname;             ///< name class: absolute path of the old name
  std::string_view newname;             ///< name class: absolute path of the new name
  std::string_view passed_name;         ///< the open's, path's or old name exactly as the process passed it
  std::string_view passed_newname;      ///< name class: the new name exactly as passed
  std::int32_t flags = 0;               ///< open flags of the file (O_*), when known
  std::uint8_t notice = 0;              ///< Notice bits
  std::uint64_t duration_ns = 0;        ///< exit - enter (monotonic)
  std::uint64_t duration_to_prev_ns = 0;///< this enter - the thread's previous exit (0: none seen)
  std::string_view hostname;            ///< host that traced
  Uuid collection_id{};                 ///< one per ior run
};

}  // namespace ior::schema
