#include "live/activity.hpp"

#include <cstring>

namespace ior::live {

std::uint8_t latency_decade(std::uint64_t ns) {
  std::uint8_t d = 0;
  for (std::uint64_t edge = 1000; d + 1 < kDecades && ns >= edge; edge *= 10) ++d;
  return d;
}

std::uint64_t decade_low(std::uint8_t decade) {
  if (decade == 0) return 0;
  std::uint64_t v = 1000;
  for (std::uint8_t i = 1; i < decade; ++i) v *= 10;
  return v;
}

void encode_key(std::string& out, const ActivityKey& k) {
  out.clear();
  char head[9];
  std::memcpy(head, &k.pid, 4);
  std::memcpy(head + 4, &k.err, 4);
  head[8] = static_cast<char>(k.decade);
  out.append(head, sizeof head);
  for (std::string_view s : {k.comm, k.container, k.syscall}) {
    out.append(s);
    out.push_back('\0');
  }
  out.append(k.file);
}

ActivityKey decode_key(std::string_view bytes) {
  ActivityKey k;
  if (bytes.size() < 9) return k;
  std::memcpy(&k.pid, bytes.data(), 4);
  std::memcpy(&k.err, bytes.data() + 4, 4);
  k.decade = static_cast<std::uint8_t>(bytes[8]);
  bytes.remove_prefix(9);
  std::string_view* parts[] = {&k.comm, &k.container, &k.syscall};
  for (auto* p : parts) {
    auto nul = bytes.find('\0');
    if (nul == std::string_view::npos) return k;
    *p = bytes.substr(0, nul);
    bytes.remove_prefix(nul + 1);
  }
  k.file = bytes == kFoldedFile ? kOther : bytes;
  return k;
}

std::string_view row_file(const schema::EventRow& row) {
  if (!row.filename.empty()) return row.filename;
  if (!row.pathname.empty()) return row.pathname;
  return row.oldname;
}

std::int32_t row_errno(const schema::EventRow& row) {
  if (row.ret_type != static_cast<std::uint8_t>(schema::RetType::kError) || row.ret_value >= 0) return 0;
  if (row.ret_value < -4095) return 0;
  return static_cast<std::int32_t>(-row.ret_value);
}

ActivityKey row_key(const schema::EventRow& row) {
  ActivityKey k;
  k.pid = row.pid;
  k.err = row_errno(row);
  k.decade = latency_decade(row.duration_ns);
  k.comm = row.comm;
  k.container = row.container_id;
  k.syscall = row.syscall_name;
  k.file = row_file(row);
  return k;
}

void Tally::add_row(const schema::EventRow& row) {
  ++calls;
  total_ns += row.duration_ns;
  latency.add(row.duration_ns);
  if (row.bytes == 0) return;
  if (row.byte_class == schema::byte_class_name(schema::ByteClass::kRead)) {
    read_bytes += row.bytes;
  } else {
    write_bytes += row.bytes;
  }
}

void Tally::merge(const Tally& o) {
  calls += o.calls;
  read_bytes += o.read_bytes;
  write_bytes += o.write_bytes;
  total_ns += o.total_ns;
  latency.merge(o.latency);
}

}  // namespace ior::live
