#include "event/container_id.hpp"

#include <algorithm>
#include <array>

namespace ior::event {
namespace {

constexpr std::size_t kIdLength = 64;

bool is_id(std::string_view s) {
  return s.size() == kIdLength &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The prefixes of a systemd scope (or a cgroupfs directory) named after the
// container; the conmon monitors' own prefixes are longer and end in
// "conmon-", so they never leave a bare id behind.
constexpr std::array<std::string_view, 5> kPrefixes = {"docker-", "cri-containerd-", "crio-", "libpod-",
                                                       "containerd-"};

std::string_view id_in_component(std::string_view c) {
  if (c.ends_with(".scope")) c.remove_suffix(6);
  if (is_id(c)) return c;
  for (std::string_view p : kPrefixes) {
    if (c.starts_with(p) && is_id(c.substr(p.size()))) return c.substr(p.size());
  }
  return {};
}

}  // namespace

std::string_view container_id_of(std::string_view path) {
  while (!path.empty()) {
    std::size_t slash = path.rfind('/');
    std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (std::string_view id = id_in_component(last); !id.empty()) return id;
    if (slash == std::string_view::npos) break;
    path = path.substr(0, slash);
  }
  return {};
}

}  // namespace ior::event
