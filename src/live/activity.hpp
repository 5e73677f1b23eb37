#pragma once
// What the live view aggregates: one tally per distinct combination of
// (process, thread name, container, syscall, file, errno, latency decade).
// Every view (files, directories, processes, syscalls, errors, flame) is a
// projection of these tallies, so the filter and the drill-down, which may
// name any of those fields, apply exactly to every view without keeping rows.
// The latency decade is part of the key so that "latency>=1ms" selects whole
// tallies: thresholds are powers of ten (1us ... 1s).

#include <cstdint>
#include <string>
#include <string_view>

#include "live/log_histogram.hpp"
#include "schema/event_row.hpp"

namespace ior::live {

/// Decade of a duration: 0 below 1 us, 1 for [1us, 10us), ... 7 from 1 s on.
std::uint8_t latency_decade(std::uint64_t ns);
/// The smallest duration of a decade (0, 1000, 10000, ...).
std::uint64_t decade_low(std::uint8_t decade);
constexpr std::uint8_t kDecades = 8;

/// The key's fields, viewing the bytes of an encoded key.
struct ActivityKey {
  std::uint32_t pid = 0;
  std::int32_t err = 0;       ///< errno of a failed call, 0 otherwise
  std::uint8_t decade = 0;    ///< latency_decade(duration)
  std::string_view comm;
  std::string_view container; ///< container id, "" outside containers
  std::string_view syscall;
  std::string_view file;      ///< "" when the call names no file
};

/// Bytes of a key: pid, errno, decade, then the names, NUL-separated (no
/// traced name holds a NUL: they come from NUL-terminated kernel strings).
void encode_key(std::string& out, const ActivityKey& k);
ActivityKey decode_key(std::string_view bytes);

/// The file a row acted on: its fd's file, else its path argument, else the
/// old name of a rename/link.
std::string_view row_file(const schema::EventRow& row);
/// errno of a failed row, else 0.
std::int32_t row_errno(const schema::EventRow& row);
/// The key of a row (fields view the row's strings).
ActivityKey row_key(const schema::EventRow& row);

/// Measures of one key.
struct Tally {
  std::uint64_t calls = 0;
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;     ///< written, and moved between fds (transfer)
  std::uint64_t total_ns = 0;
  LogHistogram latency;

  void add_row(const schema::EventRow& row);
  void merge(const Tally& o);
  std::uint64_t errors(std::int32_t err) const { return err != 0 ? calls : 0; }
};

/// The "[other]" key's name, where keys beyond a bound are tallied.
inline constexpr std::string_view kOther = "[other]";
/// The file bytes of a coarser key (tally_table.hpp): a NUL, which no traced
/// name holds, so that a file really called "[other]" keeps a key of its
/// own; decode_key gives it as kOther.
inline constexpr std::string_view kFoldedFile{"\0[other]", 8};

}  // namespace ior::live
