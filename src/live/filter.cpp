#include "live/filter.hpp"

#include <regex.h>

#include <charconv>

namespace ior::live {

class Regex {
 public:
  Regex(const std::string& pattern, std::string& error) {
    const int rc = regcomp(&re_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char buf[256];
      regerror(rc, &re_, buf, sizeof buf);
      error = buf;
    } else {
      ok_ = true;
    }
  }
  ~Regex() {
    if (ok_) regfree(&re_);
  }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  bool ok() const { return ok_; }
  bool search(std::string_view s) const {
    // regexec needs a terminated string; names here are short-lived views
    thread_local std::string buf;
    buf.assign(s);
    return regexec(&re_, buf.c_str(), 0, nullptr, 0) == 0;
  }

 private:
  regex_t re_{};
  bool ok_ = false;
};

std::optional<std::uint8_t> parse_latency_decade(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::uint64_t ns;
  };
  constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
  for (const auto& u : kUnits) {
    if (text.size() <= u.suffix.size() || !text.ends_with(u.suffix)) continue;
    std::string_view num = text.substr(0, text.size() - u.suffix.size());
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc{} || end != num.data() + num.size()) return std::nullopt;
    const std::uint64_t ns = v * u.ns;
    for (std::uint8_t d = 1; d < kDecades; ++d) {
      if (decade_low(d) == ns) return d;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Filter> Filter::parse(std::string_view text, std::string& error) {
  Filter f;
  f.text_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    i = end;

    Term t{Kind::kAny, nullptr, {}, 0};
    std::string_view value = word;
    auto with_prefix = [&](std::string_view prefix, Kind k) {
      if (!word.starts_with(prefix)) return false;
      t.kind = k;
      value = word.substr(prefix.size());
      return true;
    };
    if (word == "errors") {
      t.kind = Kind::kErrors;
    } else if (with_prefix("pid=", Kind::kPid)) {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), t.number);
      if (ec != std::errc{} || p != value.data() + value.size() || value.empty() || t.number > UINT32_MAX) {
        error = "pid=" + std::string(value) + ": not a process id";
        return std::nullopt;
      }
    } else if (with_prefix("container=", Kind::kContainer)) {
      t.text = std::string(value);
    } else if (with_prefix("latency>=", Kind::kLatency)) {
      auto d = parse_latency_decade(value);
      if (!d) {
        error = "latency>=" + std::string(value) + ": use a power of ten from 1us to 1s (1us 10us 100us 1ms 10ms 100ms 1s)";
        return std::nullopt;
      }
      t.number = *d;
    } else {
      with_prefix("path=", Kind::kPath) || with_prefix("comm=", Kind::kComm) ||
          with_prefix("syscall=", Kind::kSyscall);
      if (value.empty()) {
        error = std::string(word) + ": needs a regular expression";
        return std::nullopt;
      }
      std::string re_error;
      auto re = std::make_shared<const Regex>(std::string(value), re_error);
      if (!re->ok()) {
        error = std::string(value) + ": " + re_error;
        return std::nullopt;
      }
      t.regex = std::move(re);
    }
    f.terms_.push_back(std::move(t));
  }
  return f;
}

bool Filter::matches(const ActivityKey& k) const {
  for (const auto& t : terms_) {
    bool ok = true;
    switch (t.kind) {
      case Kind::kAny:
        ok = t.regex->search(k.file) || t.regex->search(k.comm) || t.regex->search(k.syscall);
        break;
      case Kind::kPath: ok = t.regex->search(k.file); break;
      case Kind::kComm: ok = t.regex->search(k.comm); break;
      case Kind::kSyscall: ok = t.regex->search(k.syscall); break;
      case Kind::kPid: ok = k.pid == t.number; break;
      case Kind::kContainer: ok = !k.container.empty() && k.container.starts_with(t.text); break;
      case Kind::kLatency: ok = k.decade >= t.number; break;
      case Kind::kErrors: ok = k.err != 0; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace ior::live
