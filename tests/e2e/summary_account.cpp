#include "summary_account.hpp"

#include <sstream>
#include <stdexcept>

namespace ior::testing {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "lost in the ring buffer 12" -> {"lost in the ring buffer", 12}
std::pair<std::string, std::uint64_t> term_of(const std::string& text, const std::string& line) {
  std::string t = trim(text);
  auto sp = t.rfind(' ');
  if (sp == std::string::npos) throw std::runtime_error("account term without a name: " + line);
  return {trim(t.substr(0, sp)), std::stoull(t.substr(sp + 1))};
}

// Drops "(...)" details and a trailing "  FAILED".
std::string strip_details(const std::string& s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (depth == 0) out.push_back(c);
    if (c == ')' && depth > 0) --depth;
  }
  auto failed = out.find("  FAILED");
  if (failed != std::string::npos) out.resize(failed);
  return out;
}

}  // namespace

std::uint64_t AccountLine::sum() const {
  std::uint64_t s = 0;
  for (const auto& [name, v] : terms) s += v;
  return s;
}

std::vector<AccountLine> parse_account(const std::string& err) {
  auto start = err.find("account of every row");
  if (start == std::string::npos) throw std::runtime_error("no account in the summary:\n" + err);
  std::istringstream in(err.substr(err.find('\n', start) + 1));
  std::vector<AccountLine> lines;
  for (std::string raw; std::getline(in, raw);) {
    auto eq = raw.find(" = ");
    if (raw.rfind("  ", 0) != 0 || eq == std::string::npos) {
      if (raw.find("also:") != std::string::npos) continue;  // a sink's extra line
      break;
    }
    std::string left = trim(raw.substr(0, eq));
    auto sp = left.rfind(' ');
    if (sp == std::string::npos) throw std::runtime_error("malformed account line: " + raw);
    AccountLine l;
    l.label = trim(left.substr(0, sp));
    l.total = std::stoull(left.substr(sp + 1));
    std::string right = strip_details(raw.substr(eq + 3));
    std::size_t pos = 0;
    for (;;) {
      auto plus = right.find(" + ", pos);
      auto [name, v] = term_of(right.substr(pos, plus == std::string::npos ? std::string::npos : plus - pos), raw);
      l.terms[name] += v;
      if (plus == std::string::npos) break;
      pos = plus + 3;
    }
    lines.push_back(std::move(l));
  }
  if (lines.empty()) throw std::runtime_error("empty account in the summary:\n" + err);
  return lines;
}

const AccountLine& account_line(const std::vector<AccountLine>& lines, const std::string& label) {
  for (const auto& l : lines) {
    if (l.label == label) return l;
  }
  throw std::runtime_error("no account line " + label);
}

std::uint64_t account_term(const std::vector<AccountLine>& lines, const std::string& label, const std::string& term) {
  const auto& l = account_line(lines, label);
  auto it = l.terms.find(term);
  if (it == l.terms.end()) throw std::runtime_error("account line " + label + " has no term " + term);
  return it->second;
}

std::string account_imbalance(const std::vector<AccountLine>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (l.total != l.sum()) {
      out += l.label + ": " + std::to_string(l.total) + " != " + std::to_string(l.sum()) + "\n";
    }
  }
  return out;
}

}  // namespace ior::testing
