#include "parquet/reader/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace ior::parquet::reader {

FileSource::FileSource(const std::string& path) {
  fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd_) throw SystemError("cannot open " + path, errno);
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) throw SystemError("cannot stat " + path, errno);
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
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
