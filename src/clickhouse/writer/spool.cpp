#include "clickhouse/writer/spool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/error.hpp"
#include "clickhouse/writer/spool_file.hpp"

namespace ior::clickhouse::writer {

namespace {

std::string run_start_digits() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020lld",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()));
  return digits;
}

std::uint64_t size_of(const SpoolDirectory& dir, const std::string& name) {
  long long n = dir.file_size(name);
  return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

}  // namespace

Spool::Spool(std::filesystem::path dir, std::uint64_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes), run_(run_start_digits()) {
  adopt();
}

void Spool::adopt() {
  counts_.adopted = dir_.try_lock();
  for (const auto& name : dir_.list()) {
    if (name == "lock") continue;
    if (name.starts_with(".tmp-")) {
      // A write that never completed; while another run holds the lock it
      // may be that run's write in progress.
      if (counts_.adopted) dir_.remove(name);
      continue;
    }
    const std::uint64_t bytes = size_of(dir_, name);
    counts_.bytes += bytes;
    auto parsed = parse_spool_name(name);
    if (!parsed) {
      ++(name.ends_with(".bad") ? counts_.bad_files : counts_.foreign_files);
      continue;
    }
    if (!counts_.adopted) continue;  // counted against the limit, not this run's to send
    try {
      SpoolHeader h = decode_spool_header(dir_.read_head(name, kSpoolHeaderBytes));
      files_[name] = Entry{bytes, h.rows, parsed->maybe_stored, true};
    } catch (const Error&) {
      std::lock_guard lock(mu_);
      set_aside_locked(name);
    }
  }
}

void Spool::set_aside_locked(const std::string& name) {
  dir_.rename(name, name + ".bad");
  ++counts_.bad_files;
  auto it = files_.find(name);
  if (it == files_.end()) return;
  if (!it->second.earlier) counts_.rows_set_aside += it->second.rows;
  files_.erase(it);
  taken_.erase(name);
}

bool Spool::put(const columns::Block& block, bool maybe_stored) {
  {
    std::lock_guard lock(mu_);
    if (counts_.bytes >= max_bytes_) return false;  // full: spare the encoding
  }
  std::string bytes = encode_spool_file(block);
  std::string name;
  {
    std::lock_guard lock(mu_);
    if (counts_.bytes + bytes.size() > max_bytes_) return false;
    name = format_spool_name({run_, seq_++, maybe_stored});
    counts_.bytes += bytes.size();  // reserved now so concurrent puts respect the limit
  }
  try {
    dir_.write_file(name, bytes);
  } catch (...) {
    std::lock_guard lock(mu_);
    counts_.bytes -= bytes.size();
    throw;
  }
  std::lock_guard lock(mu_);
  files_[name] = Entry{bytes.size(), block.rows(), maybe_stored, false};
  return true;
}

std::optional<SpooledBatch> Spool::take_oldest() {
  for (;;) {
    std::string name;
    Entry entry;
    {
      std::lock_guard lock(mu_);
      auto it = std::find_if(files_.begin(), files_.end(), [this](const auto& f) { return !taken_.count(f.first); });
      if (it == files_.end()) return std::nullopt;
      name = it->first;
      entry = it->second;
      taken_.insert(name);
    }
    try {
      // Never more than the size it had when written or adopted.
      std::string bytes = dir_.read_file(name, entry.bytes);
      SpooledBatch batch{decode_spool_file(bytes), name, entry.maybe_stored, entry.earlier, entry.bytes};
      std::lock_guard lock(mu_);
      batch.name = mark_locked(name, true);
      return batch;
    } catch (const Error&) {
      std::lock_guard lock(mu_);
      set_aside_locked(name);
    }
  }
}

void Spool::remove(const std::string& name) {
  dir_.remove(name);
  std::lock_guard lock(mu_);
  taken_.erase(name);
  auto it = files_.find(name);
  if (it == files_.end()) return;
  counts_.bytes -= std::min(counts_.bytes, it->second.bytes);
  files_.erase(it);
}

void Spool::release(const std::string& name, bool maybe_stored) {
  std::lock_guard lock(mu_);
  taken_.erase(name);
  auto it = files_.find(name);
  if (it == files_.end()) return;
  if (maybe_stored) it->second.maybe_stored = true;
  // A failed rename keeps the mark on disk: one needless check at most.
  if (!it->second.maybe_stored) mark_locked(name, false);
}

std::string Spool::mark_locked(const std::string& name, bool maybe_stored) {
  auto parsed = parse_spool_name(name);
  if (!parsed || parsed->maybe_stored == maybe_stored) return name;
  parsed->maybe_stored = maybe_stored;
  std::string renamed = format_spool_name(*parsed);
  if (!dir_.rename(name, renamed)) return name;
  if (auto it = files_.find(name); it != files_.end()) {
    Entry e = it->second;
    files_.erase(it);
    files_[renamed] = e;
  }
  if (taken_.erase(name) != 0) taken_.insert(renamed);
  return renamed;
}

std::uint64_t Spool::available() const {
  std::lock_guard lock(mu_);
  return files_.size() - taken_.size();
}

SpoolCounts Spool::counts() const {
  std::lock_guard lock(mu_);
  SpoolCounts c = counts_;
  c.files = files_.size();
  for (const auto& [name, e] : files_) (e.earlier ? c.rows_earlier : c.rows_own) += e.rows;
  return c;
}

}  // namespace ior::clickhouse::writer
