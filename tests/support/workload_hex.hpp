#pragma once
// Names in the workload's manifest are hex, so that any byte (newline,
// tab, invalid UTF-8) survives the tab-separated lines.
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
