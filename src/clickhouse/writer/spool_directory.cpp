#include "clickhouse/writer/spool_directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/random_bytes.hpp"
#include "base/write_all.hpp"

namespace ior::clickhouse::writer {
namespace fs = std::filesystem;

namespace {

std::string where(const fs::path& dir) { return "clickhouse spool " + dir.string(); }

// mkdir -p with 0700 for what it creates; existing components are left as
// they are (their owners are checked only for the last one).
void create_private_dirs(const fs::path& dir) {
  fs::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      throw SystemError(where(dir) + ": cannot create " + partial.string(), errno);
    }
  }
}

std::string random_tmp_name() { return ".tmp-" + random_hex(12); }

// Someone else's directory could hold planted files (replayed as rows) or
// swap names under ior: refuse it rather than trust it. The parent only
// needs to keep others from renaming the spool away: ior's own, or a
// sticky one like /tmp.
void check_private(int fd, const fs::path& dir, bool is_parent) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw SystemError(where(dir) + ": cannot stat", errno);
  const bool owner_ok = st.st_uid == ::geteuid() || (is_parent && st.st_uid == 0);
  if (!owner_ok) {
    throw Error(where(dir) + ": " + (is_parent ? "its parent " : "") + "belongs to uid " + std::to_string(st.st_uid) +
                ", not to ior's uid " + std::to_string(::geteuid()) + ": choose another -ch-spool or chown it");
  }
  const bool sticky_parent = is_parent && (st.st_mode & S_ISVTX) != 0;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_parent) {
    throw Error(where(dir) + ": " + (is_parent ? "its parent " : "") +
                "is writable by group or others: chmod 700 it or choose another -ch-spool");
  }
}

UniqueFd open_directory(int at, const fs::path& path, const fs::path& dir) {
  UniqueFd fd(::openat(at, path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    throw SystemError(where(dir) + ": cannot open " + path.string() + (errno == ELOOP || errno == ENOTDIR ?
                      " (a symlink is refused)" : ""), errno);
  }
  return fd;
}

}  // namespace

SpoolDirectory::SpoolDirectory(fs::path dir) : path_(std::move(dir)) {
  if (path_.empty()) throw UsageError("clickhouse spool: empty directory name");
  path_ = path_.lexically_normal();
  if (path_.has_filename() == false) path_ = path_.parent_path();
  fs::path parent = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  create_private_dirs(parent);
  UniqueFd parent_fd = open_directory(AT_FDCWD, parent, path_);
  check_private(parent_fd.get(), path_, true);
  // Created and opened relative to the checked parent: nothing is made in
  // a directory another user controls, and the name cannot be swapped in between.
  if (::mkdirat(parent_fd.get(), path_.filename().c_str(), 0700) != 0 && errno != EEXIST) {
    throw SystemError(where(path_) + ": cannot create", errno);
  }
  fd_ = open_directory(parent_fd.get(), path_.filename(), path_);
  check_private(fd_.get(), path_, false);
}

bool SpoolDirectory::try_lock() {
  if (lock_) return true;
  UniqueFd fd(::openat(fd_.get(), "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) throw SystemError(where(path_) + ": cannot open its lock file", errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    throw SystemError(where(path_) + ": cannot lock", errno);
  }
  lock_ = std::move(fd);
  return true;
}

std::vector<std::string> SpoolDirectory::list() const {
  std::vector<std::string> names;
  int dup = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw SystemError(where(path_) + ": cannot list", errno);
  DIR* d = ::fdopendir(dup);
  if (d == nullptr) {
    int e = errno;
    ::close(dup);
    throw SystemError(where(path_) + ": cannot list", e);
  }
  ::rewinddir(d);
  while (const dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

void SpoolDirectory::write_file(const std::string& name, std::string_view bytes) const {
  std::string tmp = random_tmp_name();
  UniqueFd fd(::openat(fd_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) throw SystemError(where(path_) + ": cannot create a file", errno);
  int err = write_all(fd.get(), bytes);
  // The spool is what survives a crash: the data is on disk before the name.
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  if (err == 0) err = fd.close();
  if (err == 0 && ::renameat(fd_.get(), tmp.c_str(), fd_.get(), name.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlinkat(fd_.get(), tmp.c_str(), 0);
    throw SystemError(where(path_) + ": cannot write " + name, err);
  }
}

UniqueFd SpoolDirectory::open_regular(const std::string& name) const {
  UniqueFd fd(::openat(fd_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw SystemError(where(path_) + ": cannot open " + name, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw SystemError(where(path_) + ": cannot stat " + name, errno);
  if (!S_ISREG(st.st_mode)) throw FormatError(where(path_) + ": " + name + " is not a regular file");
  return fd;
}

std::string SpoolDirectory::read_file(const std::string& name, std::size_t max_bytes) const {
  UniqueFd fd = open_regular(name);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw SystemError(where(path_) + ": cannot stat " + name, errno);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw FormatError(where(path_) + ": " + name + " is larger than a spool file can be");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SystemError(where(path_) + ": cannot read " + name, errno);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

std::string SpoolDirectory::read_head(const std::string& name, std::size_t n) const {
  UniqueFd fd = open_regular(name);
  std::string bytes(n, '\0');
  ssize_t got;
  do {
    got = ::pread(fd.get(), bytes.data(), n, 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw SystemError(where(path_) + ": cannot read " + name, errno);
  bytes.resize(static_cast<std::size_t>(got));
  return bytes;
}

long long SpoolDirectory::file_size(const std::string& name) const {
  struct stat st {};
  if (::fstatat(fd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return -1;
  return static_cast<long long>(st.st_size);
}

void SpoolDirectory::remove(const std::string& name) const { ::unlinkat(fd_.get(), name.c_str(), 0); }

bool SpoolDirectory::rename(const std::string& from, const std::string& to) const {
  return ::renameat(fd_.get(), from.c_str(), fd_.get(), to.c_str()) == 0;
}

}  // namespace ior::clickhouse::writer
