#pragma once
// Rows for the live view's tests: what the pipeline would hand a sink.

#include <string>

#include "schema/event_row.hpp"

namespace ior::live::test {

struct RowSpec {
  std::uint32_t pid = 100;
  std::uint32_t tid = 100;
  std::string comm = "worker";
  std::string container;
  std::string syscall = "read";
  std::string file = "/data/a.txt";
  std::uint64_t duration_ns = 500;
  std::uint64_t bytes = 0;
  std::string byte_class = "none";
  std::int64_t ret = 0;
  bool error = false;
  std::uint64_t timestamp_ns = 1'700'000'000'000'000'000ULL;
};

/// The row viewing the spec's strings (keep the spec alive while it is used).
inline schema::EventRow make_row(const RowSpec& s) {
  schema::EventRow r;
  r.timestamp_ns = s.timestamp_ns;
  r.pid = s.pid;
  r.tid = s.tid;
  r.comm = s.comm;
  r.container_id = s.container;
  r.syscall_name = s.syscall;
  r.filename = s.file;
  r.duration_ns = s.duration_ns;
  r.bytes = s.bytes;
  r.byte_class = s.byte_class;
  r.ret_value = s.ret;
  r.ret_type = static_cast<std::uint8_t>(s.error ? schema::RetType::kError : schema::RetType::kBytes);
  return r;
}

}  // namespace ior::live::test
