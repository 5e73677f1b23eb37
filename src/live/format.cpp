#include "live/format.hpp"

#include <string.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ior::live {
namespace {

std::string fixed(double v, int decimals, const char* unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, unit);
  return buf;
}

}  // namespace

std::string format_count(std::uint64_t n) { return std::to_string(n); }

std::string format_rate(double r) {
  if (r <= 0) return "0";
  if (r < 100) return fixed(r, 1, "");
  return fixed(r, 0, "");
}

std::string format_bytes(std::uint64_t n) {
  if (n < 1024) return std::to_string(n);
  const char* units[] = {"K", "M", "G", "T", "P", "E"};
  double v = static_cast<double>(n) / 1024;
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return fixed(v, v < 10 ? 1 : 0, units[u]);
}

std::string format_duration(std::uint64_t ns) {
  if (ns == 0) return "0";
  if (ns < 1000) return std::to_string(ns) + "ns";
  const double v = static_cast<double>(ns);
  if (ns < 1000000) return fixed(v / 1e3, v < 1e4 ? 2 : 1, "us");
  if (ns < 1000000000) return fixed(v / 1e6, v < 1e7 ? 2 : 1, "ms");
  return fixed(v / 1e9, v < 1e10 ? 2 : 1, "s");
}

std::string errno_name(std::int32_t err) {
  if (const char* n = strerrorname_np(err)) return n;
  // What a syscall a signal interrupted returns at its exit, before signal
  // delivery turns it into EINTR or a restart (include/linux/errno.h, not
  // in glibc): the rows ior records most often with an unnamed errno.
  switch (err) {
    case 512: return "ERESTARTSYS";
    case 513: return "ERESTARTNOINTR";
    case 514: return "ERESTARTNOHAND";
    case 516: return "ERESTART_RESTARTBLOCK";
    default: return std::to_string(err);
  }
}

std::string sparkline(const std::vector<double>& values, bool utf8) {
  static const char* const kBlocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                        "\u2585", "\u2586", "\u2587", "\u2588"};
  static const char kAscii[] = " _.-=+*#";
  double top = 0;
  for (double v : values) top = std::max(top, v);
  std::string out;
  for (double v : values) {
    int level = 0;
    if (top > 0 && v > 0) level = std::clamp(static_cast<int>(std::ceil(v / top * 8)) - 1, 0, 7);
    if (utf8) {
      out += kBlocks[level];
    } else {
      out += (level == 0 && v > 0) ? '_' : kAscii[level];
    }
  }
  return out;
}

}  // namespace ior::live
