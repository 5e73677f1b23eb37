#include "live/table.hpp"

#include <algorithm>

#include "base/csv_field.hpp"

namespace ior::live {

std::size_t Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return columns.size();
}

std::string table_csv(const Table& t) {
  std::string out;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    append_csv_field(out, t.columns[i].name);
  }
  out += '\n';
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      if (i) out += ',';
      append_csv_field(out, r.cells[i].csv.empty() ? r.cells[i].text : r.cells[i].csv);
    }
    out += '\n';
  }
  return out;
}

void sort_table(Table& t, std::size_t column, bool descending) {
  if (column >= t.columns.size()) return;
  t.sort_column = column;
  t.descending = descending;
  const bool numeric = t.columns[column].numeric;
  std::stable_sort(t.rows.begin(), t.rows.end(), [&](const TableRow& a, const TableRow& b) {
    const Cell& x = a.cells[column];
    const Cell& y = b.cells[column];
    if (numeric) {
      if (x.value != y.value) return descending ? x.value > y.value : x.value < y.value;
    } else if (x.text != y.text) {
      return descending ? x.text > y.text : x.text < y.text;
    }
    if (t.columns[0].numeric && a.cells[0].value != b.cells[0].value) return a.cells[0].value < b.cells[0].value;
    return a.cells[0].text < b.cells[0].text;
  });
}

}  // namespace ior::live
