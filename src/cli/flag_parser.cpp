#include "cli/flag_parser.hpp"

#include <algorithm>
#include <charconv>

#include "base/error.hpp"

namespace ior::cli {
namespace {

[[noreturn]] void bad_value(std::string_view flag, std::string_view text, std::string_view want) {
  throw UsageError("invalid value \"" + std::string(text) + "\" for flag -" + std::string(flag) +
                   ": " + std::string(want));
}

std::uint64_t parse_number_prefix(std::string_view flag, std::string_view text,
                                  std::string_view* rest, std::string_view want) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr == text.data()) bad_value(flag, text, want);
  *rest = text.substr(static_cast<std::size_t>(ptr - text.data()));
  return v;
}

std::uint64_t checked_mul(std::string_view flag, std::string_view text, std::uint64_t v,
                          std::uint64_t m) {
  if (m != 0 && v > UINT64_MAX / m) bad_value(flag, text, "too large");
  return v * m;
}

// Every duration ends up added to a clock: a deadline on steady_clock (signed
// 64-bit nanoseconds, overflowing past 292 years) or a recorded timestamp
// (unsigned nanoseconds since 1970, overflowing in 2554). 100 years keeps
// both far from wrapping, which turned "-duration 9223372037" into a
// deadline already past, and is longer than any trace.
constexpr std::uint64_t kMaxDurationMs = 876'000ull * 3'600'000;
constexpr std::string_view kDurationLimit = "too large (at most 876000h, 100 years)";

std::uint64_t limit_ms(std::string_view flag, std::string_view text, std::uint64_t ms) {
  if (ms > kMaxDurationMs) bad_value(flag, text, kDurationLimit);
  return ms;
}

std::uint64_t limit_ns(std::string_view flag, std::string_view text, std::uint64_t ns) {
  if (ns / 1'000'000 > kMaxDurationMs) bad_value(flag, text, kDurationLimit);
  return ns;
}

}  // namespace

std::uint64_t parse_uint(std::string_view flag, std::string_view text) {
  std::string_view rest;
  std::uint64_t v = parse_number_prefix(flag, text, &rest, "expected a non-negative integer");
  if (!rest.empty()) bad_value(flag, text, "expected a non-negative integer");
  return v;
}

std::uint64_t parse_size(std::string_view flag, std::string_view text) {
  std::string_view rest;
  std::uint64_t v = parse_number_prefix(flag, text, &rest, "expected a size like 16M");
  if (rest.empty() || rest == "B") return v;
  if (rest == "K" || rest == "KiB") return checked_mul(flag, text, v, 1ull << 10);
  if (rest == "M" || rest == "MiB") return checked_mul(flag, text, v, 1ull << 20);
  if (rest == "G" || rest == "GiB") return checked_mul(flag, text, v, 1ull << 30);
  bad_value(flag, text, "expected a size like 16M (suffixes K, M, G)");
}

std::uint64_t parse_duration_ms(std::string_view flag, std::string_view text) {
  std::string_view rest;
  std::uint64_t v = parse_number_prefix(flag, text, &rest, "expected seconds or 10s/5m/1h/250ms");
  if (rest.empty() || rest == "s") return limit_ms(flag, text, checked_mul(flag, text, v, 1000));
  if (rest == "ms") return limit_ms(flag, text, v);
  if (rest == "m") return limit_ms(flag, text, checked_mul(flag, text, v, 60'000));
  if (rest == "h") return limit_ms(flag, text, checked_mul(flag, text, v, 3'600'000));
  bad_value(flag, text, "expected seconds or 10s/5m/1h/250ms");
}

// A threshold is compared with syscall durations of microseconds: a bare
// number could mean seconds (as -duration) or milliseconds (as fileslower),
// so it needs its unit.
std::uint64_t parse_duration_ns(std::string_view flag, std::string_view text) {
  constexpr std::string_view kWant = "expected a duration with its unit, like 500us, 10ms or 2s";
  std::string_view rest;
  std::uint64_t v = parse_number_prefix(flag, text, &rest, kWant);
  if (rest.empty() && v == 0) return 0;
  std::uint64_t unit = 0;
  if (rest == "ns") unit = 1;
  if (rest == "us" || rest == "\u00b5s") unit = 1'000;
  if (rest == "ms") unit = 1'000'000;
  if (rest == "s") unit = 1'000'000'000;
  if (rest == "m") unit = 60'000'000'000;
  if (rest == "h") unit = 3'600'000'000'000;
  if (unit == 0) bad_value(flag, text, kWant);
  return limit_ns(flag, text, checked_mul(flag, text, v, unit));
}

void FlagParser::add_bool(std::string name, bool* target, std::string help) {
  flags_.push_back({std::move(name), std::move(help), "", [target](std::string_view v) {
                      if (v.empty() || v == "true" || v == "1") {
                        *target = true;
                      } else if (v == "false" || v == "0") {
                        *target = false;
                      } else {
                        throw UsageError("invalid boolean \"" + std::string(v) + "\"");
                      }
                    }});
}

void FlagParser::add_string(std::string name, std::string* target, std::string help) {
  flags_.push_back({std::move(name), std::move(help), "string",
                    [target](std::string_view v) { *target = std::string(v); }});
}

void FlagParser::add_uint(std::string name, std::uint64_t* target, std::string help,
                          std::uint64_t min, std::uint64_t max) {
  std::string n = name;
  flags_.push_back({std::move(name), std::move(help), "N", [target, n, min, max](std::string_view v) {
                      std::uint64_t x = parse_uint(n, v);
                      if (x < min || x > max) {
                        bad_value(n, v, "must be between " + std::to_string(min) + " and " +
                                            std::to_string(max));
                      }
                      *target = x;
                    }});
}

void FlagParser::add_size(std::string name, std::uint64_t* target, std::string help,
                          std::uint64_t min, std::uint64_t max) {
  std::string n = name;
  flags_.push_back({std::move(name), std::move(help), "SIZE", [target, n, min, max](std::string_view v) {
                      std::uint64_t x = parse_size(n, v);
                      if (x < min || x > max) {
                        bad_value(n, v, "must be between " + std::to_string(min) + " and " +
                                            std::to_string(max) + " bytes");
                      }
                      *target = x;
                    }});
}

void FlagParser::add_duration(std::string name, std::uint64_t* target_ms, std::string help) {
  std::string n = name;
  flags_.push_back({std::move(name), std::move(help), "DURATION",
                    [target_ms, n](std::string_view v) { *target_ms = parse_duration_ms(n, v); }});
}

void FlagParser::add_duration_ns(std::string name, std::uint64_t* target_ns, std::string help) {
  std::string n = name;
  flags_.push_back({std::move(name), std::move(help), "DURATION",
                    [target_ns, n](std::string_view v) { *target_ns = parse_duration_ns(n, v); }});
}

void FlagParser::mark_secret(std::string_view name) {
  for (auto& f : flags_) {
    if (f.name == name) f.secret = true;
  }
}

std::vector<std::string> FlagParser::redacted_args(int argc, const char* const* argv) const {
  std::vector<std::string> out(argv, argv + argc);
  for (const auto& s : secret_values_) {
    if (s.arg < argc) out[static_cast<std::size_t>(s.arg)].replace(s.offset, std::string::npos, "<redacted>");
  }
  return out;
}

const FlagParser::Flag* FlagParser::find(std::string_view name) const {
  for (const auto& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool FlagParser::given(std::string_view name) const {
  return std::find(given_.begin(), given_.end(), name) != given_.end();
}

std::vector<std::string> FlagParser::parse(int argc, const char* const* argv, int first) {
  std::vector<std::string> positional;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      saw_double_dash_ = true;
      before_double_dash_ = positional.size();
      for (++i; i < argc; ++i) positional.emplace_back(argv[i]);
      return positional;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    SecretValue where{i, 0};
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
      where.offset = static_cast<std::size_t>(value.data() - argv[i]);
    }
    const Flag* f = find(name);
    if (f == nullptr) throw UsageError("unknown flag -" + std::string(name));
    if (!f->value_hint.empty() && !has_value) {
      if (i + 1 >= argc) throw UsageError("flag -" + std::string(name) + " needs a value");
      value = argv[++i];
      where = {i, 0};
    }
    if (f->secret) secret_values_.push_back(where);
    try {
      f->set(value);
    } catch (const UsageError& e) {
      std::string msg = e.what();
      if (msg.find("flag -") == std::string::npos) msg = "flag -" + std::string(name) + ": " + msg;
      throw UsageError(msg);
    }
    given_.emplace_back(name);
  }
  before_double_dash_ = positional.size();
  return positional;
}

std::string FlagParser::usage() const {
  std::string out;
  for (const auto& f : flags_) {
    std::string left = "  -" + f.name + (f.value_hint.empty() ? "" : " " + f.value_hint);
    if (left.size() < 28) left.resize(28, ' ');
    out += left + " " + f.help + "\n";
  }
  return out;
}

}  // namespace ior::cli
