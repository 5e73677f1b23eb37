#pragma once
// The filter line of the live view. Terms separated by spaces, all of which
// must hold:
//   WORD             POSIX extended regex found in the file, comm or syscall
//   path=RE comm=RE syscall=RE   the regex in that field only
//   pid=N            the process
//   container=HEX    container ids starting with HEX
//   latency>=T       calls that took at least T; T a power of ten from 1us
//                    to 1s (1us 10us 100us 1ms 10ms 100ms 1s), because
//                    tallies are kept per decade of latency
//   errors           failed calls only
// Regexes are POSIX (glibc regexec: no backtracking blow-up on traced names
// with the common patterns) and case-sensitive.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "live/activity.hpp"

namespace ior::live {

class Regex;

class Filter {
 public:
  /// An empty filter (matches everything).
  Filter() = default;
  /// Parses text; on error returns nullopt and sets error to one line
  /// naming the term.
  static std::optional<Filter> parse(std::string_view text, std::string& error);

  bool matches(const ActivityKey& k) const;
  bool empty() const { return terms_.empty(); }
  const std::string& text() const { return text_; }

 private:
  enum class Kind { kAny, kPath, kComm, kSyscall, kPid, kContainer, kLatency, kErrors };
  struct Term {
    Kind kind;
    std::shared_ptr<const Regex> regex;  // shared: filters are copied, regex_t is not copyable
    std::string text;
    std::uint64_t number = 0;
  };
  std::vector<Term> terms_;
  std::string text_;
};

/// Parses a latency threshold ("1ms", "10us", "1s"); nullopt unless it is a
/// power of ten between 1us and 1s.
std::optional<std::uint8_t> parse_latency_decade(std::string_view text);

}  // namespace ior::live
