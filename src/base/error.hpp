#pragma once
// The one exception hierarchy. Expected outcomes (EOF, timeouts, unpaired
// events, short records) are values plus counters, never exceptions; these
// are for failures that abort the current operation. main() maps UsageError
// to exit status 2 and every other Error to 1.

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ior {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad flags or values given by the user (exit 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A system call or library call failed; carries errno.
class SystemError : public Error {
 public:
  SystemError(const std::string& what, int err)
      : Error(what + ": " + std::strerror(err)), errno_(err) {}
  int code() const noexcept { return errno_; }

 private:
  int errno_;
};

/// The peer spoke the protocol wrongly (malformed reply, bad sizes).
class ProtocolError : public Error {
 public:
  using Error::Error;
};

/// A compressed frame or page could not be (de)compressed or failed its checksum.
class CompressionError : public Error {
 public:
  using Error::Error;
};

/// A file or record format was violated (Parquet limits, bad input bytes).
class FormatError : public Error {
 public:
  using Error::Error;
};

}  // namespace ior
