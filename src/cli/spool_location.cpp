#include "cli/spool_location.hpp"

#include <cstdio>

namespace ior::cli {

std::string spool_root(const std::string& flag, const char* state_directory) {
  if (flag == "none") return "";
  if (!flag.empty()) return flag;
  std::string state = state_directory != nullptr ? state_directory : "";
  state = state.substr(0, state.find(':'));
  if (!state.empty()) return state + "/spool";
  return "/var/lib/ior/spool";
}

std::string spool_target_dir(const SpoolTarget& target) {
  std::string exact = target.database + "." + target.table + "@";
  for (std::size_t i = 0; i < target.hosts.size(); ++i) exact += (i ? "," : "") + target.hosts[i];
  exact += ":" + std::to_string(target.port);
  // FNV-1a: names that sanitize alike (or are cut) still get directories of their own.
  std::uint64_t h = 1469598103934665603ull;
  for (char c : exact) h = (h ^ static_cast<std::uint8_t>(c)) * 1099511628211ull;
  std::string name;
  for (char c : exact.substr(0, 120)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '-' || c == '_' || c == '@' || c == ',' || c == ':';
    name += keep ? c : '_';
  }
  if (name.starts_with(".")) name[0] = '_';
  char hash[24];
  std::snprintf(hash, sizeof hash, "-%08llx", static_cast<unsigned long long>(h & 0xffffffffu));
  return name + hash;
}

}  // namespace ior::cli
