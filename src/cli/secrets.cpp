#include "cli/secrets.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>

#include "base/error.hpp"

namespace ior::cli {
namespace {

// A password file is small; reading a bounded prefix, and only up to the
// first newline, keeps a wrong path (a device, a huge log) or a pipe whose
// writer stays open (-ch-password-file <(...)) from stalling or filling memory.
constexpr std::size_t kMaxPasswordFileBytes = 4096;

std::string first_line_of(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw UsageError("flag -ch-password-file: cannot read " + path + ": " + std::strerror(errno));
  std::string text(kMaxPasswordFileBytes, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw UsageError("flag -ch-password-file: cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    bool newline = text.find('\n', got) < got + static_cast<std::size_t>(n);
    got += static_cast<std::size_t>(n);
    if (newline) break;
  }
  ::close(fd);
  text.resize(got);
  auto eol = text.find('\n');
  if (eol == std::string::npos && got == kMaxPasswordFileBytes) {
    throw UsageError("flag -ch-password-file: the first line of " + path + " is longer than " +
                     std::to_string(kMaxPasswordFileBytes) + " bytes");
  }
  text.resize(eol == std::string::npos ? got : eol);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

std::string load_clickhouse_password(const Options& o) {
  if (!o.ch_password.empty()) return o.ch_password;
  if (const char* env = std::getenv("IOR_CH_PASSWORD"); env != nullptr) return env;
  if (o.ch_password_file.empty()) return "";
  return first_line_of(o.ch_password_file);
}

void protect_secrets_in_memory() {
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) throw SystemError("prctl(PR_SET_DUMPABLE)", errno);
}

std::function<void(const std::string& peer)> cleartext_password_warning(
    std::function<void(const std::string&)> warn) {
  struct Warned {
    std::mutex mu;
    std::set<std::string> peers;  // bounded by the hosts ior is given or discovers
  };
  auto warned = std::make_shared<Warned>();
  return [warned, warn = std::move(warn)](const std::string& peer) {
    {
      std::lock_guard<std::mutex> lock(warned->mu);
      if (!warned->peers.insert(peer).second) return;
    }
    warn("ior: warning: the ClickHouse password goes unencrypted to " + peer +
         ", which is not a loopback address (use -ch-secure)");
  };
}

}  // namespace ior::cli
