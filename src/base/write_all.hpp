#pragma once
// write(2) until every byte is out: a signal (EINTR) or a short write (pipe,
// full terminal buffer, a file system near its quota) does not lose the rest.

#include <atomic>
#include <cstddef>
#include <string_view>

namespace ior {

/// Returns 0 when all of bytes were written, else the errno of the write
/// that failed (bytes before it may have been written: *done, when given,
/// says how many were).
[[nodiscard]] int write_all(int fd, std::string_view bytes, std::size_t* done = nullptr) noexcept;

/// The same, but a write interrupted (EINTR) once give_up is set returns
/// EINTR instead of being retried: another thread can end a write blocked on
/// a pipe nobody reads by setting give_up and then signalling this thread.
[[nodiscard]] int write_all(int fd, std::string_view bytes, const std::atomic<bool>& give_up,
                            std::size_t* done = nullptr) noexcept;

}  // namespace ior
