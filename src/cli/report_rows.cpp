#include "cli/report_rows.hpp"

#include <charconv>
#include <type_traits>

#include "base/csv_field.hpp"
#include "base/terminal_text.hpp"
#include "base/uuid_text.hpp"
#include "schema/columns.hpp"

namespace ior::cli {
namespace {

template <class T>
void append_number(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

std::string csv_header() {
  std::string out;
  for (const auto& c : schema::kColumnInfo) {
    if (!out.empty()) out.push_back(',');
    out.append(c.name);
  }
  out += "\r\n";
  return out;
}

void append_csv_row(std::string& out, const schema::EventRow& row, bool for_terminal) {
  // Reused across rows: a string per field and row would be the CSV path's
  // main cost on a terminal.
  thread_local std::string escaped;
  bool first = true;
  schema::for_each_column([&](const auto& c) {
    if (!first) out.push_back(',');
    first = false;
    const auto& v = row.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (for_terminal) {
        escaped.clear();
        append_terminal_text(escaped, v);
        append_csv_field(out, escaped);
      } else {
        append_csv_field(out, v);
      }
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out += uuid_text(v);
    } else {
      append_number(out, v);
    }
  });
  out += "\r\n";
}

}  // namespace ior::cli
