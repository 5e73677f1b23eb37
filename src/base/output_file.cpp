#include "base/output_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "base/random_bytes.hpp"
#include "base/unfinished_files.hpp"
#include "base/write_all.hpp"

namespace ior {
namespace {

// Names longer than this are cut in the temporary name, so prefix, suffix and
// name stay within NAME_MAX (255).
constexpr std::size_t kTempNameStemMax = 200;
constexpr int kCreateAttempts = 100;

std::string prefix(const OutputOptions& o) { return o.label.empty() ? "" : o.label + ": "; }

struct SplitPath {
  std::string dir;
  std::string name;
};

SplitPath split(const std::string& path, const OutputOptions& o) {
  auto slash = path.rfind('/');
  SplitPath s;
  if (slash == std::string::npos) {
    s.dir = ".";
    s.name = path;
  } else {
    s.dir = slash == 0 ? "/" : path.substr(0, slash);
    s.name = path.substr(slash + 1);
  }
  if (s.name.empty() || s.name == "." || s.name == "..") {
    throw Error(prefix(o) + "\"" + path + "\" is not a file name");
  }
  return s;
}

// Read access is needed only to fsync the directory; a directory the caller
// may search and write but not read still takes the file (not fsync'ed).
UniqueFd open_dir(const std::string& dir, const std::string& path, const OutputOptions& o) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd && errno == EACCES) fd.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw SystemError(prefix(o) + "cannot create " + path, errno);
  return fd;
}

void check_name(int dir, const std::string& name, const std::string& path, const OutputOptions& o) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw SystemError(prefix(o) + "cannot create " + path, errno);
  }
  // A device, pipe or socket is never replaced, not even with kReplace: a
  // rename over /dev/null would swap the device node for a regular file.
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    throw Error(prefix(o) + path + (S_ISDIR(st.st_mode) ? " is a directory" : " is not a regular file"));
  }
  // Nor is a link that stands for a stream or a device: replacing
  // /dev/stdout (a link to /proc/self/fd/1) with a regular file broke it
  // for every process on the host. Such a link is what a user names to mean
  // a stream, which ior's outputs are not.
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    const ssize_t n = ::readlinkat(dir, name.c_str(), target, sizeof target - 1);
    const std::string_view text(target, n > 0 ? static_cast<std::size_t>(n) : 0);
    struct stat to {};
    const bool stream = text.starts_with("/proc/") || text.starts_with("/dev/") ||
                        (::fstatat(dir, name.c_str(), &to, 0) == 0 && !S_ISREG(to.st_mode));
    if (stream) {
      throw Error(prefix(o) + path + " is a symbolic link to " + std::string(text) +
                  ", not to a file: ior writes its outputs to files of their own and never replaces such a link" +
                  (o.label == "json" ? " (-json prints the rows on standard output)" : ""));
    }
  }
  if (o.existing == ExistingOutput::kRefuse) {
    throw Error(prefix(o) + path + (S_ISLNK(st.st_mode) ? " exists (a symbolic link)" : " exists") +
                "; -force replaces it");
  }
}

std::string random_suffix() { return random_hex(8); }

}  // namespace

void check_output_path(const std::string& path, const OutputOptions& options) {
  auto s = split(path, options);
  UniqueFd dir = open_dir(s.dir, path, options);
  check_name(dir.get(), s.name, path, options);
}

OutputFile::OutputFile(std::string path, OutputOptions options, SuffixSource suffixes)
    : path_(std::move(path)), options_(std::move(options)) {
  auto s = split(path_, options_);
  name_ = s.name;
  dir_ = open_dir(s.dir, path_, options_);
  if (options_.existing != ExistingOutput::kRefuseAtRename) check_name(dir_.get(), name_, path_, options_);
  if (!suffixes) suffixes = random_suffix;
  const std::string stem = "." + name_.substr(0, kTempNameStemMax) + ".";
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    temp_name_ = stem + suffixes() + ".tmp";
    // O_EXCL fails on any existing name, a symbolic link included; O_NOFOLLOW
    // says the same for readers of this line.
    fd_.reset(::openat(dir_.get(), temp_name_.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd_) break;
    if (errno != EEXIST) throw SystemError(prefix(options_) + "cannot create " + path_, errno);
  }
  if (!fd_) throw SystemError(prefix(options_) + "cannot create " + path_ + " (no free temporary name)", EEXIST);
  temp_exists_ = true;
  temp_path_ = (s.dir == "/" ? "" : s.dir) + "/" + temp_name_;
  try {
    unfinished_files::add(dir_.get(), temp_name_);
  } catch (...) {
    discard();
    throw;
  }
}

void OutputFile::temp_gone() noexcept {
  if (temp_exists_) unfinished_files::remove(dir_.get(), temp_name_);
  temp_exists_ = false;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::write(std::string_view bytes) {
  if (int err = write_all(fd_.get(), bytes); err != 0) {
    throw SystemError(prefix(options_) + "writing " + path_, err);
  }
}

void OutputFile::discard() noexcept {
  fd_.reset();
  if (temp_exists_) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
  temp_gone();
}

int OutputFile::place() noexcept {
  if (options_.existing == ExistingOutput::kReplace) {
    return ::renameat(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str()) == 0 ? 0 : errno;
  }
  if (::renameat2(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A file system without RENAME_NOREPLACE: link(2) refuses a taken name too.
  if (::linkat(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str(), 0) != 0) return errno;
  ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
  return 0;
}

void OutputFile::commit() {
  if (!fd_) throw Error(prefix(options_) + path_ + " is no longer open");
  // EINVAL: a file that cannot be synchronised (nothing to wait for).
  if (options_.durable && ::fsync(fd_.get()) != 0 && errno != EINVAL) {
    int err = errno;
    discard();
    throw SystemError(prefix(options_) + "fsync " + path_, err);
  }
  struct stat written {};
  const bool known = ::fstat(fd_.get(), &written) == 0;
  if (int err = fd_.close(); err != 0) {
    discard();
    throw SystemError(prefix(options_) + "closing " + path_, err);
  }
  if (int err = place(); err != 0) {
    temp_gone();
    // Removed during the run (rm -rf of its directory): nothing is kept,
    // and no message may point at a file that is not there.
    struct stat st;
    if (::fstatat(dir_.get(), temp_name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
      throw SystemError(prefix(options_) + "the file written for " + path_ + " was removed during the run", err);
    }
    // Kept: the rows in it are complete.
    std::string why = err == EEXIST ? path_ + " appeared during the run and is not replaced without -force"
                                    : "cannot rename to " + path_ + ": " + std::strerror(err);
    throw OutputNotPlaced(prefix(options_) + why + "; the complete file is kept as " + temp_path_, err, temp_path_);
  }
  temp_gone();
  // Where others may write the directory, they may have moved the file
  // away and put something else (a link to a root file) under the
  // temporary name, which the rename then placed: ior must not say
  // "wrote" of it, nor leave it under the output's name.
  struct stat placed {};
  if (known && (::fstatat(dir_.get(), name_.c_str(), &placed, AT_SYMLINK_NOFOLLOW) != 0 ||
                placed.st_dev != written.st_dev || placed.st_ino != written.st_ino)) {
    // An empty directory goes too; one with entries stays, and is named.
    const bool removed = ::unlinkat(dir_.get(), name_.c_str(), 0) == 0 ||
                         (errno == EISDIR && ::unlinkat(dir_.get(), name_.c_str(), AT_REMOVEDIR) == 0) ||
                         errno == ENOENT;
    throw Error(prefix(options_) + path_ + ": the file ior wrote was moved away during the run by someone who may "
                "write its directory, and something else put in its place (" +
                (removed ? std::string("removed") : "left there: " + std::string(std::strerror(errno))) +
                "); its rows are not under that name");
  }
  // Makes the new name durable; a directory opened without read access (or a
  // file system that cannot) is left to the kernel's writeback.
  if (options_.durable) ::fsync(dir_.get());
}

void write_output_file(const std::string& path, std::string_view bytes, const OutputOptions& options) {
  OutputFile f(path, options);
  f.write(bytes);
  f.commit();
}

}  // namespace ior
