#include "cli/secrets.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>

#include "base/error.hpp"
#include "base/terminal_text.hpp"

namespace ior::cli {
namespace {

// A password file is small; reading a bounded prefix, and only up to the
// first newline, keeps a wrong path (a device, a huge log) or a pipe whose
// writer stays open (-ch-password-file <(...)) from stalling or filling memory.
constexpr std::streamsize kMaxPasswordBytes = 4096;

std::string first_line_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("flag -ch-password-file: cannot read " + path);
  std::string line(static_cast<std::size_t>(kMaxPasswordBytes) + 1, '\0');
  in.getline(line.data(), kMaxPasswordBytes + 1);
  if (in.fail() && !in.eof()) {
    throw UsageError("flag -ch-password-file: the first line of " + path + " is longer than " +
                     std::to_string(kMaxPasswordBytes) + " bytes");
  }
  line.resize(std::char_traits<char>::length(line.c_str()));
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
