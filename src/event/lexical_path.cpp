#include "event/lexical_path.hpp"

namespace ior::event {

bool is_clean_absolute(std::string_view p) noexcept {
  if (p.empty() || p.front() != '/') return false;
  if (p.size() == 1) return true;
  if (p.back() == '/') return false;
  // No "//", and no component "." or "..". Runs for every name of every row:
  // one pass over the bytes, no copies (a memchr per component was slower).
  const char* s = p.data();
  const std::size_t n = p.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (s[i] != '/') continue;
    const char c = s[i + 1];
    if (c == '/') return false;
    if (c == '.' && (i + 2 == n || s[i + 2] == '/' || (s[i + 2] == '.' && (i + 3 == n || s[i + 3] == '/')))) {
      return false;
    }
  }
  return true;
}

bool join_clean(std::string& out, std::string_view base, std::string_view name, std::size_t max_bytes) {
  // Built without the root's slash, so every component appends as "/comp"
  // and ".." cuts at the last slash; an empty result is the root.
  out.clear();
  if (name.empty() || name.front() != '/') {
    if (base.size() > max_bytes) return false;
    out.assign(base == "/" ? std::string_view() : base);
  }
  for (std::size_t i = 0; i <= name.size();) {
    std::size_t end = name.find('/', i);
    if (end == std::string_view::npos) end = name.size();
    std::string_view comp = name.substr(i, end - i);
    i = end + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") {
      std::size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
      continue;
    }
    if (out.size() + 1 + comp.size() > max_bytes) return false;
    out.push_back('/');
    out.append(comp);
  }
  if (out.empty()) out.push_back('/');
  return true;
}

std::string_view parent_of(std::string_view p) noexcept {
  std::size_t slash = p.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return p.substr(0, slash);
}

}  // namespace ior::event
