#pragma once
// Go-style command-line flags: `-name value`, `-name=value`, and the same with
// `--`. Boolean flags take no value (`-quiet`) or an explicit `=true/false`.
// Errors are ior::UsageError naming the flag; main() turns them into one line
// plus a usage hint and exit status 2.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ior::cli {

class FlagParser {
 public:
  void add_bool(std::string name, bool* target, std::string help);
  void add_string(std::string name, std::string* target, std::string help);
  void add_uint(std::string name, std::uint64_t* target, std::string help,
                std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);
  /// Sizes with an optional K/M/G suffix (powers of 1024).
  void add_size(std::string name, std::uint64_t* target, std::string help,
                std::uint64_t min, std::uint64_t max);
  /// Durations in seconds: "10", "10s", "5m", "1h", "250ms"; stored in milliseconds.
  void add_duration(std::string name, std::uint64_t* target_ms, std::string help);
  /// Durations with a unit: "500us", "10ms", "2s" ("ns", "us", "ms", "s",
  /// "m", "h"; a bare number other than 0 is refused as ambiguous); stored in nanoseconds.
  void add_duration_ns(std::string name, std::uint64_t* target_ns, std::string help);
  /// The value of this (already added) flag is a secret: redacted_args() hides it.
  void mark_secret(std::string_view name);

  /// Parses argv[first..]; returns the positional arguments (after flags end).
  std::vector<std::string> parse(int argc, const char* const* argv, int first = 1);
  /// How many of parse()'s positional arguments came before a "--" (all of
  /// them when there was none).
  std::size_t positional_before_double_dash() const { return before_double_dash_; }
  /// Whether argv held a "--" (with or without anything after it).
  bool saw_double_dash() const { return saw_double_dash_; }
  /// Which flags were given explicitly (by name without dashes).
  bool given(std::string_view name) const;
  /// Every flag given explicitly, by name without dashes, in order.
  const std::vector<std::string>& given_flags() const { return given_; }
  /// argv[0..argc) as parse() saw it, every secret value replaced by
  /// "<redacted>" (for metadata that records the command line).
  std::vector<std::string> redacted_args(int argc, const char* const* argv) const;
  /// "  -name value   help" lines for -help.
  std::string usage() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string value_hint;  // empty for bool flags
    std::function<void(std::string_view)> set;
    bool secret = false;
  };
  /// Where parse() found a secret value: argv[arg] from byte offset on.
  struct SecretValue {
    int arg;
    std::size_t offset;
  };
  const Flag* find(std::string_view name) const;

  std::vector<Flag> flags_;
  std::vector<std::string> given_;
  std::vector<SecretValue> secret_values_;
  std::size_t before_double_dash_ = 0;
  bool saw_double_dash_ = false;
};

/// Parses helpers, exposed for tests. Throw UsageError mentioning `flag`.
std::uint64_t parse_uint(std::string_view flag, std::string_view text);
std::uint64_t parse_size(std::string_view flag, std::string_view text);
std::uint64_t parse_duration_ms(std::string_view flag, std::string_view text);
std::uint64_t parse_duration_ns(std::string_view flag, std::string_view text);

}  // namespace ior::cli
