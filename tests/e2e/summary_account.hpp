#pragma once
// Reads the "account of every row" block of ior's summary (stderr): lines
// "  label   N = term a + term b (details) + ...". A test asserts that every
// line adds up and reads single terms.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ior::testing {

struct AccountLine {
  std::string label;                          ///< "kernel records", "sink clickhouse", ...
  std::uint64_t total = 0;                    ///< N left of '='
  std::map<std::string, std::uint64_t> terms; ///< "read" -> 123, "lost in the ring buffer" -> 0
  std::uint64_t sum() const;
};

/// Every line of the block; throws std::runtime_error when it is missing or malformed.
std::vector<AccountLine> parse_account(const std::string& err);

/// The line with this label; throws when absent.
const AccountLine& account_line(const std::vector<AccountLine>& lines, const std::string& label);

/// A term of a line; throws when absent.
std::uint64_t account_term(const std::vector<AccountLine>& lines, const std::string& label,
                           const std::string& term);

/// Empty when every line's total equals the sum of its terms; else the lines that do not.
std::string account_imbalance(const std::vector<AccountLine>& lines);

}  // namespace ior::testing
