#include "cli/secrets.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>

#include "base/error.hpp"
#include "base/terminal_text.hpp"
#include "base/unique_fd.hpp"

namespace ior::cli {
namespace {

// A password file is small; reading a bounded prefix, and only up to the
// first newline, keeps a wrong path (a device, a huge log) from filling
// memory. It is opened without blocking and a pipe is waited for at most
// kPipeWait: a FIFO another user planted at the name, with no writer,
// would otherwise hold ior's setup forever; -ch-password-file <(...) has a
// writer that answers at once.
constexpr std::size_t kMaxPasswordBytes = 4096;
constexpr int kPipeWaitMs = 10'000;

std::string first_line_of(const std::string& path) {
  const std::string flag = "flag -ch-password-file: ";
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw UsageError(flag + "cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw UsageError(flag + "cannot read " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw UsageError(flag + path + " is a directory");
  const bool pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kPipeWaitMs);
  // Waits for a writer to come (a FIFO read without one says end of file
  // at once) or to write; false when kPipeWait is over.
  const auto wait_for_writer = [&] {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd.get(), POLLIN, 0};
    int r = -1;
    while (left.count() > 0 && (r = ::poll(&p, 1, static_cast<int>(left.count()))) < 0 && errno == EINTR) {
    }
    return r > 0;
  };
  std::string text;
  char buf[512];
  bool writer_seen = false;
  while (text.find('\n') == std::string::npos && text.size() <= kMaxPasswordBytes) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno != EAGAIN || !pipe)) {
      throw UsageError(flag + "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0 && (!pipe || writer_seen || !text.empty())) break;  // end of file
    writer_seen = true;  // EAGAIN: a writer that has not written yet; 0: none so far
    if (!wait_for_writer()) {
      throw UsageError(flag + "nothing came through the pipe " + path + " in " + std::to_string(kPipeWaitMs / 1000) +
                       " s");
    }
  }
  const std::size_t end = text.find('\n');
  if ((end == std::string::npos ? text.size() : end) > kMaxPasswordBytes) {
    throw UsageError(flag + "the first line of " + path + " is longer than " + std::to_string(kMaxPasswordBytes) +
                     " bytes");
  }
  std::string line = text.substr(0, end);
  if (const auto nul = line.find('\0'); nul != std::string::npos) line.resize(nul);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string load_clickhouse_password(const Options& o, const std::function<void(const std::string&)>& warn) {
  if (!o.ch_password.empty()) return o.ch_password;
  if (const char* env = std::getenv("IOR_CH_PASSWORD"); env != nullptr) return env;
  if (o.ch_password_file.empty()) return "";
  std::string password = first_line_of(o.ch_password_file);
  // As ssh does for keys: a file every local user can read is no secret.
  // (A pipe, -ch-password-file <(...), has no such mode.)
  struct stat st {};
  if (warn && ::stat(o.ch_password_file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0044) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    warn("ior: warning: -ch-password-file " + terminal_text(o.ch_password_file) + " can be read by other users (mode " +
         mode + "; chmod 600 it)");
  }
  return password;
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
