#pragma once
// Names in the workload's manifest are hex, so that any byte (newline,
// tab, invalid UTF-8) survives the tab-separated lines.
#include <cstddef>
#include <string>

inline std::string workload_hex(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

/// The bytes of a workload_hex() text (tests decode the manifest with it).
inline std::string workload_unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}
