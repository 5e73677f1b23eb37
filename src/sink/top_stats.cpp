#include "sink/top_stats.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "base/nearest_rank.hpp"

namespace ior::sink {
namespace {

// One files_ entry besides its name's bytes: the node (next pointer, key
// string, tallies, cached hash), its bucket pointer, and malloc headers for
// the node and the name.
constexpr std::size_t kFileEntryBytes = 136;

std::size_t file_entry_bytes(std::size_t name_size) { return name_size + kFileEntryBytes; }

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) {
  if (v < 16) return static_cast<std::size_t>(v);
  int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1)), e >= 4
  auto sub = static_cast<std::size_t>((v >> (e - 4)) & 15);
  return 16 + static_cast<std::size_t>(e - 4) * 16 + sub;
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t b) {
  if (b < 16) return b;
  std::size_t e = (b - 16) / 16 + 4, sub = (b - 16) % 16;
  return (std::uint64_t{16} + sub) << (e - 4);
}

std::uint64_t LatencyHistogram::quantile(double q) const {
  if (n_ == 0) return 0;
  const std::uint64_t rank = nearest_rank(q, n_);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen > rank) {
      std::uint64_t lo = bucket_low(b);
      std::uint64_t hi = b + 1 < kBuckets ? bucket_low(b + 1) : lo;
      return lo + (hi - lo) / 2;
    }
  }
  return bucket_low(kBuckets - 1);
}

TopStats::PerSyscall& TopStats::syscall_of(const schema::EventRow& row) {
  if (row.trace_id >= syscalls_.size()) syscalls_.resize(std::size_t{row.trace_id} + 1);
  auto& s = syscalls_[row.trace_id];
  if (!s) {
    s = std::make_unique<PerSyscall>();
    s->name = std::string(row.syscall_name);
  }
  return *s;
}

void TopStats::PerProcess::name_row(std::string_view comm) {
  if (used != 0 && names[current].comm == comm) {
    ++names[current].calls;
    return;
  }
  std::size_t slot = used;
  for (std::size_t i = 0; i < used; ++i) {
    if (names[i].comm == comm) slot = i;
  }
  if (slot == kNames) {  // full: the least busy name makes room
    slot = 0;
    for (std::size_t i = 1; i < kNames; ++i) {
      if (names[i].calls < names[slot].calls) slot = i;
    }
    names[slot] = Name{};
  }
  if (slot == used && used < kNames) ++used;
  if (names[slot].calls == 0) names[slot].comm.assign(comm);
  ++names[slot].calls;
  current = slot;
}

const std::string& TopStats::PerProcess::busiest() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < used; ++i) {
    if (names[i].calls > names[best].calls) best = i;
  }
  return names[best].comm;
}

// pid's tally; nullptr when max_processes are tallied and pid is not one.
TopStats::PerProcess* TopStats::process_of(std::uint32_t pid) {
  RecentProcess& recent = recent_processes_[pid % kRecentSlots];
  if (recent.tally != nullptr && recent.pid == pid) return recent.tally;
  auto p = processes_.find(pid);
  if (p == processes_.end()) {
    if (processes_.size() >= limits_.max_processes) return nullptr;
    p = processes_.try_emplace(pid).first;
  }
  recent = {pid, &p->second};
  return &p->second;
}

namespace {

// The columns a row's file comes from: the same bytes in all, the same file.
constexpr std::uint64_t kFileBits = schema::column_bits({"filename", "pathname", "oldname", "filename2", "byte_class"});
constexpr std::uint64_t kCommBits = schema::column_bits({"comm"});

}  // namespace

void TopStats::consume(const schema::EventRow& row) noexcept { consume_in_batch(row, schema::RowRepeats{}); }

void TopStats::consume_in_batch(const schema::EventRow& row, const schema::RowRepeats& repeats) noexcept {
  const bool follows = last_row_.follows(repeats);
  last_row_.forget();  // a row that fails half-way leaves the hints undefined
  try {
    tally(row, follows && (repeats.columns & kFileBits) == kFileBits,
          follows && (repeats.columns & kCommBits) == kCommBits);
    last_row_.appended(repeats);
    rows_.add();
  } catch (...) {
    rows_lost_.add();
  }
}

void TopStats::tally(const schema::EventRow& row, bool same_file, bool same_comm) {
  PerSyscall& s = syscall_of(row);
  ++s.calls;
  s.total_ns += row.duration_ns;
  s.latency.add(row.duration_ns);

  // A rename's row names its file in oldname; a transfer (sendfile,
  // copy_file_range, splice, tee) moves its bytes into a second file too,
  // which is as hot as the first: both are credited with the call.
  std::string_view file = !row.filename.empty() ? row.filename : !row.pathname.empty() ? row.pathname : row.oldname;
  FileMap::value_type* file_entry = nullptr;
  if (!file.empty()) {
    PerFile one;
    one.calls = 1;
    one.total_ns = row.duration_ns;
    const bool transfer = row.byte_class == schema::byte_class_name(schema::ByteClass::kTransfer);
    if (row.bytes != 0) {
      if (transfer) {
        one.transfer_bytes = row.bytes;
      } else if (row.byte_class == schema::byte_class_name(schema::ByteClass::kRead)) {
        one.read_bytes = row.bytes;
      } else if (row.byte_class == schema::byte_class_name(schema::ByteClass::kWrite)) {
        one.write_bytes = row.bytes;
      } else {
        one.transfer_bytes = row.bytes;
      }
    }
    if (same_file && last_file_ != nullptr && !transfer) {
      last_file_->second.add(one);
      file_entry = last_file_;
    } else {
      file_entry = add_file(file, one);
      if (transfer && !row.filename2.empty() && row.filename2 != file) add_file(row.filename2, one);
      if (transfer) file_entry = nullptr;  // two entries: the next row looks both up
    }
  }
  last_file_ = file_entry;

  PerProcess* p = nullptr;
  if (same_comm && last_process_ != nullptr && last_pid_ == row.pid) {
    p = last_process_;  // its own tally, whose current name is already this row's
    ++p->names[p->current].calls;
  } else {
    p = process_of(row.pid);
    const bool own = p != nullptr || row.pid == 0;  // "[other]" keeps no one process's name
    // Only a process with a tally of its own may skip the lookup next time:
    // each row tallied under "[other]" is counted there as well.
    last_process_ = p;
    if (p == nullptr) {
      ++process_rows_in_other_;
      p = &processes_[0];
    }
    if (own) p->name_row(row.comm);
  }
  ++p->calls;
  p->total_ns += row.duration_ns;
  last_pid_ = row.pid;
}

void TopStats::PerFile::add(const PerFile& o) {
  calls += o.calls;
  total_ns += o.total_ns;
  read_bytes += o.read_bytes;
  write_bytes += o.write_bytes;
  transfer_bytes += o.transfer_bytes;
}

// The length and up to 16 bytes from the middle and the end of the name:
// paths that differ only in a directory or a number mostly differ there.
std::size_t TopStats::recent_slot(std::string_view name) {
  static_assert(kRecentSlots == 64, "the slot is the product's top 6 bits");
  std::uint64_t tail = 0, middle = 0;
  const std::size_t n = std::min<std::size_t>(name.size(), 8);
  std::memcpy(&tail, name.data() + name.size() - n, n);
  std::memcpy(&middle, name.data() + (name.size() - n) / 2, n);
  const std::uint64_t mixed = (tail ^ std::rotl(middle, 17) ^ name.size()) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(mixed >> 58);
}

TopStats::FileMap::value_type* TopStats::add_file(std::string_view name, const PerFile& add) {
  auto*& recent = recent_files_[recent_slot(name)];
  if (recent != nullptr && recent->first == name) {
    recent->second.add(add);
    return recent;
  }
  auto it = files_.find(name);
  if (it == files_.end()) {
    if (file_bytes_ + file_entry_bytes(name.size()) > limits_.max_file_bytes) fold_files();
    if (file_bytes_ + file_entry_bytes(name.size()) > limits_.max_file_bytes) {
      ++files_folded_;  // a name larger than the whole budget
      other_files_.add(add);
      return nullptr;
    }
    it = files_.try_emplace(std::string(name)).first;
    file_bytes_ += file_entry_bytes(name.size());
  }
  it->second.add(add);
  recent = &*it;
  return recent;
}

// The half with the least total time goes into "[other]": O(n) once per
// n/2 new names, so O(1) per name.
void TopStats::fold_files() {
  recent_files_.fill(nullptr);
  last_file_ = nullptr;
  if (files_.empty()) return;
  std::vector<decltype(files_)::iterator> entries;
  entries.reserve(files_.size());
  for (auto it = files_.begin(); it != files_.end(); ++it) entries.push_back(it);
  auto half = entries.begin() + static_cast<std::ptrdiff_t>(entries.size() / 2 + 1);
  std::nth_element(entries.begin(), half - 1, entries.end(),
                   [](const auto& a, const auto& b) { return a->second.total_ns < b->second.total_ns; });
  for (auto e = entries.begin(); e != half && e != entries.end(); ++e) {
    other_files_.add((*e)->second);
    file_bytes_ -= file_entry_bytes((*e)->first.size());
    files_.erase(*e);
    ++files_folded_;
  }
}

SinkReport TopStats::report() const {
  SinkReport r;
  r.name = "summary";
  const SinkCounts c = *counts();
  r.rows_written = c.rows_written;
  r.rows_lost = c.rows_lost;
  return r;
}

std::vector<SyscallTally> TopStats::syscalls() const {
  std::vector<SyscallTally> out;
  for (const auto& s : syscalls_) {
    if (!s) continue;
    SyscallTally t;
    t.name = s->name;
    t.calls = s->calls;
    t.total_ns = s->total_ns;
    t.p50_ns = s->latency.quantile(0.50);
    t.p90_ns = s->latency.quantile(0.90);
    t.p99_ns = s->latency.quantile(0.99);
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.calls != b.calls ? a.calls > b.calls : a.name < b.name;
  });
  return out;
}

std::vector<FileTally> TopStats::files(std::size_t n, FileOrder order) const {
  // Sorted as pointers, so only the n names returned are copied.
  struct Ref {
    std::string_view name;
    const PerFile* t;
    std::uint64_t key;
  };
  auto key_of = [order](const PerFile& t) {
    return order == FileOrder::kTime ? t.total_ns : t.read_bytes + t.write_bytes + t.transfer_bytes;
  };
  std::vector<Ref> refs;
  refs.reserve(files_.size() + 1);
  auto consider = [&](std::string_view name, const PerFile& t) {
    if (order == FileOrder::kBytes && key_of(t) == 0) return;
    refs.push_back({name, &t, key_of(t)});
  };
  for (const auto& [name, t] : files_) consider(name, t);
  if (other_files_.calls != 0) consider(kOther, other_files_);
  auto by_key = [](const Ref& a, const Ref& b) { return a.key != b.key ? a.key > b.key : a.name < b.name; };
  n = std::min(n, refs.size());
  std::partial_sort(refs.begin(), refs.begin() + static_cast<std::ptrdiff_t>(n), refs.end(), by_key);
  std::vector<FileTally> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    FileTally f;
    f.name = std::string(refs[i].name);
    f.calls = refs[i].t->calls;
    f.total_ns = refs[i].t->total_ns;
    f.read_bytes = refs[i].t->read_bytes;
    f.write_bytes = refs[i].t->write_bytes;
    f.transfer_bytes = refs[i].t->transfer_bytes;
    out.push_back(std::move(f));
  }
  return out;
}

std::uint64_t TopStats::processes_named_apart() const {
  std::uint64_t n = 0;
  for (const auto& [pid, p] : processes_) n += pid != 0 && p.used > 1;
  return n;
}

std::vector<ProcessTally> TopStats::processes(std::size_t n) const {
  std::vector<ProcessTally> out;
  for (const auto& [pid, p] : processes_) {
    ProcessTally t;
    t.pid = pid;
    t.name = p.busiest();
    t.calls = p.calls;
    t.total_ns = p.total_ns;
    out.push_back(t);
  }
  auto by_time = [](const auto& a, const auto& b) {
    return a.total_ns != b.total_ns ? a.total_ns > b.total_ns : a.pid < b.pid;
  };
  n = std::min(n, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), by_time);
  out.resize(n);
  return out;
}

}  // namespace ior::sink
