#include "live/table.hpp"

#include <algorithm>

#include "base/csv_field.hpp"
#include "base/terminal_text.hpp"

namespace ior::live {

std::size_t Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return columns.size();
}

namespace {

// Cells hold raw traced names (any user chose them): escaped as on screen and
// in the console rows, then quoted as CSV, so the file is one line per row
// and shows, in a terminal or an editor, what the view showed.
void append_field(std::string& out, std::string& scratch, std::string_view raw) {
  scratch.clear();
  append_terminal_text(scratch, raw);
  append_csv_field(out, scratch);
}

}  // namespace

std::string table_csv(const Table& t) {
  std::string out, scratch;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    append_field(out, scratch, t.columns[i].name);
  }
  out += '\n';
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      if (i) out += ',';
      append_field(out, scratch, r.cells[i].csv.empty() ? r.cells[i].text : r.cells[i].csv);
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
