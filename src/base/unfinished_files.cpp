#include "base/unfinished_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

namespace ior::unfinished_files {
namespace {

std::mutex& lock() {
  static std::mutex m;
  return m;
}

std::vector<std::pair<int, std::string>>& files() {
  static std::vector<std::pair<int, std::string>> listed;
  return listed;
}

}  // namespace

void add(int dir_fd, const std::string& name) {
  const std::lock_guard<std::mutex> hold(lock());
  files().emplace_back(dir_fd, name);
}

void remove(int dir_fd, const std::string& name) noexcept {
  const std::lock_guard<std::mutex> hold(lock());
  auto& f = files();
  const auto it = std::find_if(f.begin(), f.end(), [&](const auto& e) { return e.first == dir_fd && e.second == name; });
  if (it != f.end()) f.erase(it);
}

std::size_t remove_all() noexcept {
  const std::lock_guard<std::mutex> hold(lock());
  std::size_t removed = 0;
  for (const auto& [dir, name] : files()) {
    if (::unlinkat(dir, name.c_str(), 0) == 0) ++removed;
  }
  files().clear();
  return removed;
}

}  // namespace ior::unfinished_files
