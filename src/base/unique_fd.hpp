#pragma once
// Owns one file descriptor: closed when the owner goes away, so no early
// return or exception path leaks it.

#include <utility>

namespace ior {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  /// Gives up ownership without closing.
  int release() noexcept { return std::exchange(fd_, -1); }
  /// Closes the current descriptor (its error ignored) and owns fd.
  void reset(int fd = -1) noexcept;
  /// Closes now and returns close(2)'s errno (0 on success): on some file
  /// systems (NFS) a delayed write error shows only here. Linux releases
  /// the descriptor even when close fails, so it is never retried.
  int close() noexcept;

 private:
  int fd_ = -1;
};

}  // namespace ior
