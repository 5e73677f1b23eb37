#pragma once
// Where a Parquet file's bytes come from: a file (pread, so a file that
// shrinks while it is read gives a short read, an error, never a SIGBUS as a
// mapping would) or memory (tests, the fuzzer).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/unique_fd.hpp"

namespace ior::parquet::reader {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  /// Exactly n bytes at offset into out (n + offset within size()); throws
  /// Error otherwise.
  virtual void read(std::uint64_t offset, std::size_t n, char* out) = 0;
};

/// Whether FileSource opens a symbolic link at the path's last component.
enum class Symlinks {
  kFollow,  ///< a name the user gave: a link is read, as cat reads it
  kRefuse,  ///< a name found in a directory others may write to: a link planted there is an error
};

class FileSource final : public ByteSource {
 public:
  /// Opens path read-only; throws SystemError naming it, and Error for
  /// anything but a regular file (a FIFO or device is never read from, and
  /// opening one does not wait for a writer) or, with Symlinks::kRefuse, for
  /// a symbolic link.
  explicit FileSource(const std::string& path, Symlinks symlinks = Symlinks::kFollow);
  std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, std::size_t n, char* out) override;

 private:
  UniqueFd fd_;
  std::uint64_t size_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  void read(std::uint64_t offset, std::size_t n, char* out) override;

 private:
  std::string_view bytes_;
};

}  // namespace ior::parquet::reader
