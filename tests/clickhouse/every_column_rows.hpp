#pragma once
// Rows with a value in every schema column that is not the column's default
// and differs from row to row, set through kColumns' member pointers, so
// columns added to the schema later are filled (and checked) too; and each
// value as ClickHouse prints it (row_text(), also of EventRow{}: the values
// of a column's DEFAULT).

#include <cstdio>
#include <deque>
#include <string>
#include <type_traits>
#include <vector>

#include "schema/columns.hpp"

namespace ior::testing {

/// Every column of a row, in schema order, as ClickHouse prints it.
inline std::vector<std::string> row_text(const schema::EventRow& row) {
  std::vector<std::string> out;
  schema::for_each_column([&](const auto& c) {
    const auto& v = row.*(c.member);
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      out.emplace_back(v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      std::string s;
      char hex[3];
      for (std::size_t b = 0; b < v.size(); ++b) {
        if (b == 4 || b == 6 || b == 8 || b == 10) s += '-';
        std::snprintf(hex, sizeof hex, "%02x", v[b]);
        s += hex;
      }
      out.push_back(s);
    } else {
      out.push_back(std::to_string(+v));
    }
  });
  return out;
}

class EveryColumnRows {
 public:
  /// n rows, timestamps ts0, ts0 + 1, ...
  EveryColumnRows(std::size_t n, std::uint64_t ts0) {
    for (std::size_t i = 0; i < n; ++i) {
      schema::EventRow r;
      std::size_t k = 0;
      schema::for_each_column([&](const auto& c) {
        auto& v = r.*(c.member);
        using T = std::remove_cvref_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          strings_.push_back("n" + std::to_string(k) + "-" + std::to_string(i % 7));
          v = strings_.back();
        } else if constexpr (std::is_same_v<T, schema::Uuid>) {
          v = {};
          v[0] = 0xab;
          v[15] = static_cast<std::uint8_t>(i + 1);
        } else {
          v = static_cast<T>(1 + (i * 17 + k) % 100);
        }
        ++k;
      });
      r.timestamp_ns = ts0 + i;
      rows_.push_back(r);
    }
  }
  EveryColumnRows(const EveryColumnRows&) = delete;  // the rows point into strings_
  EveryColumnRows& operator=(const EveryColumnRows&) = delete;

  const std::vector<schema::EventRow>& rows() const { return rows_; }

  /// Every column of row i, in schema order, as ClickHouse prints it.
  std::vector<std::string> text(std::size_t i) const { return row_text(rows_[i]); }

 private:
  std::deque<std::string> strings_;  // string_views into a deque stay valid as it grows
  std::vector<schema::EventRow> rows_;
};

}  // namespace ior::testing
