#include "cli/report_time.hpp"

#include <ctime>
#include <string_view>

#include "base/error.hpp"
#include "cli/flag_parser.hpp"

namespace ior::cli {
namespace {

bool digits(const std::string& s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Seconds since 1970 (possibly past what nanoseconds in 64 bits hold) and
// the fraction in ns; nullopt when s is not RFC 3339.
std::optional<std::int64_t> rfc3339_seconds(const std::string& s, std::uint64_t& frac_ns) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t pos = 19;
  frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::uint64_t scale = 100'000'000;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += static_cast<std::uint64_t>(s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;  // RFC 3339 requires the offset
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::int64_t t = static_cast<std::int64_t>(::timegm(&tm)) - offset_s;
  if (t < 0) return std::nullopt;
  return t;
}

// The last second whose nanoseconds, with any fraction, fit in the uint64
// timestamp_ns: 2554-07-21T23:34:32Z (2^64 - 1 ns is 23:34:33.709551615).
constexpr std::int64_t kLastSecond = static_cast<std::int64_t>(UINT64_MAX / 1'000'000'000ull) - 1;

}  // namespace

std::optional<std::uint64_t> parse_rfc3339_ns(const std::string& s) {
  std::uint64_t frac_ns = 0;
  auto t = rfc3339_seconds(s, frac_ns);
  if (!t || *t > kLastSecond) return std::nullopt;
  return static_cast<std::uint64_t>(*t) * 1'000'000'000ull + frac_ns;
}

ReportTime parse_report_time(const std::string& flag, const std::string& text) {
  if (auto abs = parse_rfc3339_ns(text)) return ReportTime{false, *abs};
  std::uint64_t frac_ns = 0;
  if (rfc3339_seconds(text, frac_ns)) {
    throw UsageError("flag -" + flag + ": \"" + text + "\" is past 2554-07-21T23:34:32.999999999Z, the last "
                     "time a recording's timestamp_ns can hold");
  }
  if (!text.empty() && text[0] >= '0' && text[0] <= '9' && text.find_first_of("-:T") != std::string::npos) {
    throw UsageError("flag -" + flag + ": \"" + text + "\" is not an RFC 3339 time (e.g. 2026-12-05T08:30:00Z)");
  }
  try {
    return ReportTime{true, parse_duration_ns(flag, text)};
  } catch (const UsageError& e) {
    // A duration of the right form but past the limit: that message says so.
    if (std::string_view(e.what()).find("too large") != std::string_view::npos) throw;
    throw UsageError("flag -" + flag + ": \"" + text +
                     "\" is neither an RFC 3339 time (2026-12-05T08:30:00Z) nor a duration after the first row "
                     "(90s, 5m, 250ms)");
  }
}

}  // namespace ior::cli
