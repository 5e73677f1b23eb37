#include "clickhouse/writer/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/error.hpp"

namespace ior::clickhouse::writer {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = ".native";
constexpr const char* kMaybeSuffix = ".maybe.native";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void write_file(const fs::path& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw SystemError("clickhouse spool: cannot create " + path.string(), errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      ::unlink(path.c_str());
      throw SystemError("clickhouse spool: cannot write " + path.string(), e);
    }
    done += static_cast<std::size_t>(n);
  }
  // The spool is what survives a crash: the data must be on disk before the rename.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int e = errno;
    ::unlink(path.c_str());
    throw SystemError("clickhouse spool: cannot sync " + path.string(), e);
  }
}

}  // namespace

Spool::Spool(fs::path dir, std::uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw SystemError("clickhouse spool: cannot create directory " + dir_.string(), ec.value());
  for (const auto& e : fs::directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file()) continue;
    if (ends_with(name, ".tmp")) {
      fs::remove(e.path(), ec);  // a write that never completed
      continue;
    }
    if (!ends_with(name, kSuffix)) continue;
    files_.insert(e.path());
    bytes_ += e.file_size();
  }
  // Names sort by run start time, then by sequence within the run.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%020lld",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()));
  run_prefix_ = prefix;
}

bool Spool::put(const columns::Block& block, bool maybe_stored) {
  {
    std::lock_guard lock(mu_);
    if (bytes_ >= max_bytes_) return false;  // full: spare the encoding
  }
  std::string bytes;
  wire::WireWriter w(bytes);
  columns::write_block(block, w, {.with_info = false});
  fs::path path, tmp;
  {
    std::lock_guard lock(mu_);
    if (bytes_ + bytes.size() > max_bytes_) return false;
    char seq[24];
    std::snprintf(seq, sizeof seq, "%012llu", static_cast<unsigned long long>(seq_++));
    path = dir_ / (run_prefix_ + "-" + seq + (maybe_stored ? kMaybeSuffix : kSuffix));
    bytes_ += bytes.size();  // reserved now so concurrent puts respect the limit
  }
  tmp = path;
  tmp += ".tmp";
  try {
    write_file(tmp, bytes);
    fs::rename(tmp, path);
  } catch (...) {
    std::lock_guard lock(mu_);
    bytes_ -= bytes.size();
    throw;
  }
  std::lock_guard lock(mu_);
  files_.insert(path);
  return true;
}

std::optional<SpooledBatch> Spool::take_oldest() {
  for (;;) {
    fs::path path;
    {
      std::lock_guard lock(mu_);
      auto it = std::find_if(files_.begin(), files_.end(), [this](const fs::path& p) { return !taken_.count(p); });
      if (it == files_.end()) return std::nullopt;
      path = *it;
      taken_.insert(path);
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    try {
      wire::MemoryReader r(bytes);
      SpooledBatch b{columns::read_block(r, {.with_info = false}, {}), path,
                     ends_with(path.filename().string(), kMaybeSuffix)};
      if (!r.at_end()) throw FormatError("trailing bytes");
      return b;
    } catch (const Error&) {
      // Keep the bytes for a human, out of the replay's way.
      std::error_code ec;
      fs::path bad = path;
      bad += ".bad";
      fs::rename(path, bad, ec);
      std::lock_guard lock(mu_);
      files_.erase(path);
      taken_.erase(path);
      bytes_ -= std::min<std::uint64_t>(bytes_, bytes.size());
    }
  }
}

void Spool::remove(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  fs::remove(path, ec);
  std::lock_guard lock(mu_);
  taken_.erase(path);
  if (files_.erase(path) > 0 && !ec) bytes_ -= std::min<std::uint64_t>(bytes_, size);
}

void Spool::release(const fs::path& path) {
  std::lock_guard lock(mu_);
  taken_.erase(path);
}

std::uint64_t Spool::available() const {
  std::lock_guard lock(mu_);
  return files_.size() - taken_.size();
}

std::uint64_t Spool::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::uint64_t Spool::files() const {
  std::lock_guard lock(mu_);
  return files_.size();
}

std::uint64_t Spool::pending_rows() const {
  std::set<fs::path> files;
  {
    std::lock_guard lock(mu_);
    files = files_;
  }
  std::uint64_t rows = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    char head[20] = {};
    in.read(head, sizeof head);
    try {
      wire::MemoryReader r(std::string_view(head, static_cast<std::size_t>(in.gcount())));
      r.varint();  // columns
      rows += r.varint();
    } catch (const Error&) {
      // A file too short to say: counted when replay rejects it.
    }
  }
  return rows;
}


}  // namespace ior::clickhouse::writer
