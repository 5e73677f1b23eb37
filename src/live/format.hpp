#pragma once
// Numbers as the live view prints them: counts exact (a test and an operator
// compare them with other tools), bytes and durations short.

#include <cstdint>
#include <string>
#include <vector>

namespace ior::live {

std::string format_count(std::uint64_t n);      ///< "1234567"
std::string format_rate(double per_second);     ///< "0", "12.5", "1234"
std::string format_bytes(std::uint64_t n);      ///< "0", "512", "1.5K", "12.0M", "3.2G"
std::string format_duration(std::uint64_t ns);  ///< "0", "850ns", "12.3us", "1.20ms", "2.50s"
/// errno as its name ("ENOENT"), or its number when glibc has no name.
std::string errno_name(std::int32_t err);

/// One character per value, its height relative to the largest value:
/// ASCII " _.-=+*#" or, with utf8, the eight block elements.
std::string sparkline(const std::vector<double>& values, bool utf8);

}  // namespace ior::live
