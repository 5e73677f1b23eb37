#pragma once
// -since / -until of `ior report`: either an absolute time in RFC 3339
// ("2026-12-05T08:30:00Z", "2026-12-05T09:30:00.25+01:00"; a space may
// replace the T) or a duration after the recording's first row ("90s",
// "5m", "1h30m" is not accepted: one number and unit, as -min-duration).

#include <cstdint>
#include <optional>
#include <string>

namespace ior::cli {

struct ReportTime {
  bool relative = false;    ///< value_ns counts from the first row
  std::uint64_t value_ns = 0;  ///< Unix-epoch ns when absolute
};

/// Throws UsageError naming the flag.
ReportTime parse_report_time(const std::string& flag, const std::string& text);

/// RFC 3339 to Unix-epoch ns; nullopt when text is not RFC 3339.
std::optional<std::uint64_t> parse_rfc3339_ns(const std::string& text);

}  // namespace ior::cli
