#include "clickhouse/writer/spool_file.hpp"

#include <cstdio>
#include <cstring>

#include "base/error.hpp"
#include "clickhouse/wire/cityhash128.hpp"
#include "clickhouse/wire/wire_format.hpp"

namespace ior::clickhouse::writer {

namespace {

constexpr std::string_view kMagic = "IORSPOOL";
constexpr std::uint32_t kVersion = 1;
constexpr std::string_view kSuffix = ".native";
constexpr std::string_view kMaybeSuffix = ".maybe.native";
constexpr std::size_t kRunDigits = 20;
constexpr std::size_t kSeqDigits = 12;

bool all_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string format_spool_name(const SpoolName& name) {
  char seq[kSeqDigits + 1];
  std::snprintf(seq, sizeof seq, "%012llu", static_cast<unsigned long long>(name.seq));
  return name.run + "-" + seq + std::string(name.maybe_stored ? kMaybeSuffix : kSuffix);
}

std::optional<SpoolName> parse_spool_name(std::string_view name) {
  SpoolName out;
  if (name.ends_with(kMaybeSuffix)) {
    out.maybe_stored = true;
    name.remove_suffix(kMaybeSuffix.size());
  } else if (name.ends_with(kSuffix)) {
    name.remove_suffix(kSuffix.size());
  } else {
    return std::nullopt;
  }
  if (name.size() != kRunDigits + 1 + kSeqDigits || name[kRunDigits] != '-') return std::nullopt;
  std::string_view run = name.substr(0, kRunDigits);
  std::string_view seq = name.substr(kRunDigits + 1);
  if (!all_digits(run, kRunDigits) || !all_digits(seq, kSeqDigits)) return std::nullopt;
  out.run = std::string(run);
  out.seq = std::stoull(std::string(seq));
  return out;
}

std::string encode_spool_file(const columns::Block& block) {
  std::string bytes(kSpoolHeaderBytes, '\0');
  wire::WireWriter body(bytes);
  columns::write_block(block, body, {.with_info = false});
  const std::uint64_t block_bytes = bytes.size() - kSpoolHeaderBytes;
  const wire::Hash128 sum = wire::city_hash128(bytes.data() + kSpoolHeaderBytes, block_bytes);
  std::string head;
  wire::WireWriter w(head);
  w.raw(kMagic.data(), kMagic.size());
  w.fixed<std::uint32_t>(kVersion);
  w.fixed<std::uint32_t>(0);
  w.fixed<std::uint64_t>(block.rows());
  w.fixed<std::uint64_t>(block_bytes);
  w.fixed<std::uint64_t>(sum.low);
  w.fixed<std::uint64_t>(sum.high);
  std::memcpy(bytes.data(), head.data(), kSpoolHeaderBytes);
  return bytes;
}

SpoolHeader decode_spool_header(std::string_view head) {
  if (head.size() < kSpoolHeaderBytes || head.substr(0, kMagic.size()) != kMagic) {
    throw FormatError("not an ior spool file");
  }
  wire::MemoryReader r(head.substr(kMagic.size(), kSpoolHeaderBytes - kMagic.size()));
  if (r.fixed<std::uint32_t>() != kVersion) throw FormatError("spool file of another format version");
  r.fixed<std::uint32_t>();
  SpoolHeader h;
  h.rows = r.fixed<std::uint64_t>();
  h.block_bytes = r.fixed<std::uint64_t>();
  return h;
}

columns::Block decode_spool_file(std::string_view bytes) {
  SpoolHeader h = decode_spool_header(bytes);
  std::string_view block = bytes.substr(kSpoolHeaderBytes);
  if (block.size() != h.block_bytes) throw FormatError("spool file is truncated or has trailing bytes");
  wire::MemoryReader head(bytes.substr(kSpoolHeaderBytes - 16, 16));
  wire::Hash128 want{head.fixed<std::uint64_t>(), head.fixed<std::uint64_t>()};
  if (!(wire::city_hash128(block.data(), block.size()) == want)) throw FormatError("spool file checksum mismatch");
  wire::MemoryReader r(block);
  columns::Block b = columns::read_block(r, {.with_info = false}, {});
  if (!r.at_end() || b.rows() != h.rows) throw FormatError("spool file does not match its header");
  return b;
}

}  // namespace ior::clickhouse::writer
