#include "parquet/reader/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace ior::parquet::reader {

FileSource::FileSource(const std::string& path, Symlinks symlinks) {
  // O_NONBLOCK: opening a FIFO (another user can plant one where ior looks
  // for a rotated file) would otherwise wait for a writer forever; the
  // fstat below then refuses it before any read.
  const int nofollow = symlinks == Symlinks::kRefuse ? O_NOFOLLOW : 0;
  fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | nofollow));
  if (!fd_ && errno == ELOOP && nofollow != 0) {
    throw Error(path + ": a symbolic link, not read (ior follows no link among the files it finds itself; "
                "name the file to read it)");
  }
  if (!fd_) throw SystemError("cannot open " + path, errno);
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) throw SystemError("cannot stat " + path, errno);
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  // Reads of a regular file never wait anyway; cleared so that none can
  // fail with EAGAIN on a file system that honours the flag.
  const int fl = ::fcntl(fd_.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd_.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) throw SystemError("cannot read " + path, errno);
  size_ = static_cast<std::uint64_t>(st.st_size);
}

void FileSource::read(std::uint64_t offset, std::size_t n, char* out) {
  if (offset > size_ || n > size_ - offset) throw FormatError("read past the end of the file");
  while (n > 0) {
    ssize_t got = ::pread(fd_.get(), out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw SystemError("read failed", errno);
    if (got == 0) throw FormatError("the file became shorter while it was read");
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
}

void MemorySource::read(std::uint64_t offset, std::size_t n, char* out) {
  if (offset > bytes_.size() || n > bytes_.size() - offset) throw FormatError("read past the end of the file");
  if (n != 0) std::memcpy(out, bytes_.data() + offset, n);
}

}  // namespace ior::parquet::reader
