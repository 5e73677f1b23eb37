#pragma once
// The single definition of the row's columns: name, type and the EventRow
// member that holds the value, in table order. The ClickHouse DDL, upgrade
// and block layout, the Parquet schema, the sink queues' column chunks and the
// schema version's fingerprint are all generated from kColumns; nothing else
// lists the columns. (The console prints the Go tool's eight fields instead,
// sink/console_sink.hpp.)

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>

#include "schema/column_type.hpp"
#include "schema/event_row.hpp"

namespace ior::schema {

/// A column bound to the EventRow member that stores it.
template <class T>
struct Column {
  std::string_view name;
  ColumnType type;
  T EventRow::*member;
  std::string_view doc;
};

/// Every column, in table order. Iterate with for_each_column().
inline constexpr auto kColumns = std::make_tuple(
    Column<std::uint64_t>{"timestamp_ns", ColumnType::kUInt64, &EventRow::timestamp_ns,
                          "enter time, Unix-epoch nanoseconds"},
    Column<std::uint32_t>{"pid", ColumnType::kUInt32, &EventRow::pid, "process id (tgid)"},
    Column<std::uint32_t>{"tid", ColumnType::kUInt32, &EventRow::tid, "thread id"},
    Column<std::uint32_t>{"ppid", ColumnType::kUInt32, &EventRow::ppid, "parent process id"},
    Column<std::uint32_t>{"uid", ColumnType::kUInt32, &EventRow::uid, "real user id"},
    Column<std::uint32_t>{"gid", ColumnType::kUInt32, &EventRow::gid, "real group id"},
    Column<std::string_view>{"comm", ColumnType::kLowCardinalityString, &EventRow::comm,
                             "thread name"},
    Column<std::uint64_t>{"cgroup_id", ColumnType::kUInt64, &EventRow::cgroup_id,
                          "cgroup v2 id: the inode of its directory"},
    Column<std::string_view>{"cgroup", ColumnType::kString, &EventRow::cgroup,
                             "cgroup v2 path, as /proc/PID/cgroup shows it"},
    Column<std::string_view>{"container_id", ColumnType::kLowCardinalityString, &EventRow::container_id,
                             "container id (64 hex) from the cgroup path, '' outside containers"},
    Column<std::string_view>{"syscall_name", ColumnType::kLowCardinalityString,
                             &EventRow::syscall_name, "syscall, e.g. openat"},
    Column<std::uint16_t>{"trace_id", ColumnType::kUInt16, &EventRow::trace_id,
                          "stable syscall id (bpf/syscalls.def)"},
    Column<std::uint8_t>{"event_type", ColumnType::kUInt8, &EventRow::event_type,
                         "syscall class: 1 open 2 path 3 name 4 fd 5 fcntl 6 dup3 7 none 8 two fds 9 pipe"},
    Column<std::int64_t>{"ret_value", ColumnType::kInt64, &EventRow::ret_value,
                         "return value"},
    Column<std::uint8_t>{"ret_type", ColumnType::kUInt8, &EventRow::ret_type,
                         "0 value 1 fd 2 bytes 3 error 4 address"},
    Column<std::uint64_t>{"bytes", ColumnType::kUInt64, &EventRow::bytes,
                          "bytes read, written or transferred; 0 when the syscall moves none or failed"},
    Column<std::string_view>{"byte_class", ColumnType::kLowCardinalityString, &EventRow::byte_class,
                             "read, write, transfer or none: the syscall's direction of bytes"},
    Column<std::int32_t>{"fd", ColumnType::kInt32, &EventRow::fd, "fd argument or opened fd"},
    Column<std::string_view>{"filename", ColumnType::kString, &EventRow::filename,
                             "absolute path of the file opened or behind the fd"},
    Column<std::int32_t>{"fd2", ColumnType::kInt32, &EventRow::fd2,
                         "second fd: destination of copy_file_range/sendfile/splice/tee, pipe's write end"},
    Column<std::string_view>{"filename2", ColumnType::kString, &EventRow::filename2,
                             "absolute path of the file behind fd2"},
    Column<std::string_view>{"pathname", ColumnType::kString, &EventRow::pathname,
                             "absolute path of the path argument"},
    Column<std::string_view>{"oldname", ColumnType::kString, &EventRow::oldname,
                             "absolute path of the old name"},
    Column<std::string_view>{"newname", ColumnType::kString, &EventRow::newname,
                             "absolute path of the new name"},
    Column<std::string_view>{"passed_name", ColumnType::kString, &EventRow::passed_name,
                             "file name, path or old name exactly as passed"},
    Column<std::string_view>{"passed_newname", ColumnType::kString, &EventRow::passed_newname,
                             "new name exactly as passed"},
    Column<std::int32_t>{"flags", ColumnType::kInt32, &EventRow::flags, "open flags (O_*)"},
    Column<std::uint8_t>{"notice", ColumnType::kUInt8, &EventRow::notice,
                         "1 truncated 2 unreadable 4 fd via /proc 8 fd unknown 16 path unresolved 32 cwd via /proc "
                         "64 strings escaped (Parquet, JSON: a string was not UTF-8)"},
    Column<std::uint64_t>{"duration_ns", ColumnType::kUInt64, &EventRow::duration_ns,
                          "exit - enter"},
    Column<std::uint64_t>{"duration_to_prev_ns", ColumnType::kUInt64,
                          &EventRow::duration_to_prev_ns, "enter - previous exit of the thread"},
    Column<std::string_view>{"hostname", ColumnType::kLowCardinalityString, &EventRow::hostname,
                             "host"},
    Column<Uuid>{"collection_id", ColumnType::kUuid, &EventRow::collection_id,
                 "one id per ior run"});

inline constexpr std::size_t kColumnCount = std::tuple_size_v<decltype(kColumns)>;

/// For the lambda given to for_each_column on a per-row path, placed after
/// its parameters: GCC otherwise keeps the lambda of each column type as a
/// function of its own, called once per column and row, with the column's
/// type tested at run time (docs/PERFORMANCE.md, "Rows into columns").
#define IOR_EVERY_ROW __attribute__((always_inline))

/// Calls f(column) for every column in table order; column is a Column<T>.
template <class F>
constexpr void for_each_column(F&& f) {
  std::apply([&](const auto&... c) { (f(c), ...); }, kColumns);
}

/// Name and type of every column, for code that needs no member access (DDL).
struct ColumnInfo {
  std::string_view name;
  ColumnType type;
};

inline constexpr std::array<ColumnInfo, kColumnCount> kColumnInfo = [] {
  std::array<ColumnInfo, kColumnCount> out{};
  std::size_t i = 0;
  for_each_column([&](const auto& c) { out[i++] = ColumnInfo{c.name, c.type}; });
  return out;
}();

/// The index of the column called name in kColumns; kColumnCount when none is.
constexpr std::size_t column_index(std::string_view name) {
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    if (kColumnInfo[i].name == name) return i;
  }
  return kColumnCount;
}

}  // namespace ior::schema
