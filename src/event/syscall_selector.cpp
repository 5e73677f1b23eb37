#include "event/syscall_selector.hpp"

#include "base/error.hpp"
#include "event/syscall_table.hpp"

namespace ior::event {
namespace {

bool matches(const std::regex& re, std::string_view syscall) {
  const std::string enter = "sys_enter_" + std::string(syscall);
  const std::string exit = "sys_exit_" + std::string(syscall);
  return std::regex_search(enter, re) || std::regex_search(exit, re);
}

// An item that matches no tracepoint of any syscall ior knows is a typo
// ("read, write": " write" matches nothing), which would quietly trace
// less (-tps) or more (-tpsExclude) than asked for; so is an empty item.
bool matches_some_syscall(const std::regex& re) {
  for (std::uint16_t id = 0; id < IOR_SC_COUNT; ++id) {
    if (valid_syscall_id(id) && matches(re, syscall_name(id))) return true;
  }
  return false;
}

std::vector<std::regex> compile(const std::string& list, const char* flag) {
  std::vector<std::regex> out;
  std::vector<std::string> items;
  if (list.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError(std::string("flag -") + flag + ": empty item in \"" + list + "\"");
    try {
      out.emplace_back(item, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw UsageError(std::string("flag -") + flag + ": invalid regular expression \"" + item + "\": " + e.what());
    }
    items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {  // after every item compiled: a bad regex is said first
    if (!matches_some_syscall(out[i])) {
      throw UsageError(std::string("flag -") + flag + ": \"" + items[i] +
                       "\" matches no syscall tracepoint (names such as sys_enter_read, sys_exit_openat)");
    }
  }
  return out;
}

bool any_matches(const std::vector<std::regex>& res, std::string_view syscall) {
  for (const auto& re : res) {
    if (matches(re, syscall)) return true;
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
