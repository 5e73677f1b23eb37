#include "bpf_objects.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "subprocess.hpp"

namespace ior::testing {
namespace {

// The number after "key:" in an fdinfo file, or 0.
unsigned fdinfo_value(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return static_cast<unsigned>(std::stoul(line.substr(key.size() + 1)));
  }
  return 0;
}

}  // namespace

BpfObjects bpf_objects_of(pid_t pid) {
  BpfObjects out;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd", ec)) {
    std::error_code link_ec;
    std::string target = std::filesystem::read_symlink(entry.path(), link_ec).string();
    std::string info = proc + "/fdinfo/" + entry.path().filename().string();
    if (target == "anon_inode:bpf-prog") {
      if (unsigned id = fdinfo_value(info, "prog_id")) out.prog_ids.push_back(id);
    } else if (target == "anon_inode:bpf_link" || target == "anon_inode:bpf-link") {
      if (unsigned id = fdinfo_value(info, "link_id")) out.link_ids.push_back(id);
    }
  }
  return out;
}

bool bpf_prog_exists(unsigned id) {
  Subprocess p({BPFTOOL_BINARY, "prog", "show", "id", std::to_string(id)});
  return p.wait(std::chrono::seconds(10)) == 0;
}

bool bpf_progs_gone(const std::vector<unsigned>& ids, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool any = false;
    for (unsigned id : ids) any = any || bpf_prog_exists(id);
    if (!any) return true;
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ior::testing
