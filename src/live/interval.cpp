#include "live/interval.hpp"

namespace ior::live {

void StreamRow::assign(const schema::EventRow& row) {
  timestamp_ns = row.timestamp_ns;
  pid = row.pid;
  tid = row.tid;
  err = row_errno(row);
  ret = row.ret_value;
  bytes = row.bytes;
  duration_ns = row.duration_ns;
  comm.assign(row.comm);
  container.assign(row.container_id);
  syscall.assign(row.syscall_name);
  std::string_view f = row_file(row);
  if (f.size() > kMaxFileBytes) f = f.substr(f.size() - kMaxFileBytes);
  file.assign(f);
}

ActivityKey StreamRow::key() const {
  ActivityKey k;
  k.pid = pid;
  k.err = err;
  k.decade = latency_decade(duration_ns);
  k.comm = comm;
  k.container = container;
  k.syscall = syscall;
  k.file = file;
  return k;
}

StreamRow& StreamRing::next_slot() {
  const auto slot = static_cast<std::size_t>(pushed_ % capacity_);
  ++pushed_;
  if (slot >= slots_.size()) return slots_.emplace_back();
  return slots_[slot];
}

void StreamRing::push(const schema::EventRow& row) { next_slot().assign(row); }
void StreamRing::push(const StreamRow& row) { next_slot() = row; }

const StreamRow& StreamRing::at(std::size_t i) const {
  const std::uint64_t first = pushed_ > capacity_ ? pushed_ - capacity_ : 0;
  return slots_[static_cast<std::size_t>((first + i) % capacity_)];
}

void IntervalStream::push(const schema::EventRow& row, const TallyEntry& entry, bool entry_is_other,
                          std::string_view own_key) {
  const auto i = static_cast<std::size_t>(pushed_ % capacity_);
  if (i >= slots_.size()) slots_.emplace_back();
  Slot& s = slots_[i];
  s.timestamp_ns = row.timestamp_ns;
  s.duration_ns = row.duration_ns;
  s.bytes = row.bytes;
  s.ret = row.ret_value;
  s.tid = row.tid;
  if (entry_is_other) {
    s.entry = nullptr;
    s.key.assign(own_key);
  } else {
    s.entry = &entry;
  }
  ++pushed_;
}

StreamRow IntervalStream::row(std::size_t i) const {
  const std::uint64_t first = pushed_ > capacity_ ? pushed_ - capacity_ : 0;
  const Slot& s = slots_[static_cast<std::size_t>((first + i) % capacity_)];
  const ActivityKey k = s.entry != nullptr ? s.entry->key : decode_key(s.key);
  StreamRow r;
  r.timestamp_ns = s.timestamp_ns;
  r.pid = k.pid;
  r.tid = s.tid;
  r.err = k.err;
  r.ret = s.ret;
  r.bytes = s.bytes;
  r.duration_ns = s.duration_ns;
  r.comm.assign(k.comm);
  r.container.assign(k.container);
  r.syscall.assign(k.syscall);
  std::string_view f = k.file;
  if (f.size() > StreamRow::kMaxFileBytes) f = f.substr(f.size() - StreamRow::kMaxFileBytes);
  r.file.assign(f);
  return r;
}

void Interval::add(TallyEntry& entry, std::string_view encoded_key, const schema::EventRow& row) {
  entry.tally.add_row(row);
  latency.add(row.duration_ns);
  ++rows;
  stream.push(row, entry, tallies.is_other(entry), encoded_key);
}

void Interval::clear() {
  tallies.clear();
  latency = LogHistogram{};
  rows = 0;
  stream.clear();
}

}  // namespace ior::live
