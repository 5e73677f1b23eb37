#include "event/syscall_selector.hpp"

#include "base/error.hpp"
#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

std::vector<std::regex> compile(const std::string& list, const char* flag) {
  std::vector<std::regex> out;
  std::size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    std::size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) {
      try {
        out.emplace_back(item, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& e) {
        throw UsageError(std::string("flag -") + flag + ": invalid regular expression \"" + item +
                         "\": " + e.what());
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool any_matches(const std::vector<std::regex>& res, std::string_view syscall) {
  std::string enter = "sys_enter_" + std::string(syscall);
  std::string exit = "sys_exit_" + std::string(syscall);
  for (const auto& re : res) {
    if (std::regex_search(enter, re) || std::regex_search(exit, re)) return true;
  }
  return false;
}

}  // namespace

SyscallSelector::SyscallSelector(const std::string& tps, const std::string& tps_exclude)
    : include_(compile(tps, "tps")), exclude_(compile(tps_exclude, "tpsExclude")) {}

bool SyscallSelector::selects(std::string_view syscall) const {
  if (!include_.empty() && !any_matches(include_, syscall)) return false;
  return exclude_.empty() || !any_matches(exclude_, syscall);
}

bool SyscallSelector::traces(std::string_view syscall) const {
  if (selects(syscall)) return true;
  const auto id = syscall_id(syscall);
  if (!id) return false;
  // ioctl is frequent (terminals, devices) and changes an fd only by its
  // rare FIOCLEX/FIONCLEX: those are followed only while ioctl is traced.
  const FdEffect effect = syscall_info(*id).effect;
  return effect != FdEffect::kNone && effect != FdEffect::kGetcwd && effect != FdEffect::kIoctl;
}

}  // namespace ior::event
