#pragma once
// For tests of write errors: a file-size limit makes write(2) fail with EFBIG
// part way through a file, like a full disk, without root or a special file
// system.

#include <signal.h>
#include <sys/resource.h>

namespace ior::parquet::testkit {

/// Lowers RLIMIT_FSIZE (and ignores SIGXFSZ) for its lifetime.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_);
    struct rlimit l = old_;
    l.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &l);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit old_ {};
  sighandler_t old_handler_;
};

}  // namespace ior::parquet::testkit
