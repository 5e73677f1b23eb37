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

class FileSource final : public ByteSource {
 public:
  /// Opens path read-only; throws SystemError naming it.
  explicit FileSource(const std::string& path);
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
