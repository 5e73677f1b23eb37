#include "hostile_user.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "subprocess.hpp"

namespace ior::testing {
namespace {

void check(int rc, const std::string& what) {
  if (rc != 0) throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::string run_as_nobody(const std::vector<std::string>& argv) {
  std::vector<std::string> full = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_and_capture(full);
}

HostileDir::HostileDir() {
  // The scratch area must be searchable by nobody to reach the shared dir.
  check(::chmod(scratch_.path().c_str(), 0755), "chmod " + scratch_.path());
  shared_ = scratch_.path() + "/shared";
  check(::mkdir(shared_.c_str(), 0755), "mkdir " + shared_);
  check(::chown(shared_.c_str(), 65534, 65534), "chown " + shared_);
  check(::chmod(shared_.c_str(), 01777), "chmod " + shared_);
  secret_ = scratch_.path() + "/secret";
  std::ofstream(secret_) << kSecretBytes;
  check(::chmod(secret_.c_str(), 0600), "chmod " + secret_);
}

void HostileDir::plant_link(const std::string& target, const std::string& link) const {
  run_as_nobody({"/usr/bin/ln", "-s", target, link});
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool is_root_owned_0600_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 &&
         st.st_uid == 0;
}

}  // namespace ior::testing
