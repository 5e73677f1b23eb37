#pragma once
// A view as a table of cells: what the terminal draws, what `e` exports as
// CSV, what the unit tests read. Cells keep the raw name or number next to
// the text shown, so sorting and the CSV use exact values.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ior::live {

struct Column {
  std::string name;
  bool numeric = true;
  bool wide = false;  ///< takes the width left over (file names)
};

struct Cell {
  std::string text;   ///< as shown (raw traced bytes: the UI escapes them)
  double value = 0;   ///< for numeric columns: sort key and CSV value
  std::string csv;    ///< the CSV field; empty: text
};

struct TableRow {
  std::vector<Cell> cells;
  /// What Enter selects on this row (a pid or a file); empty: nothing.
  std::string drill;
};

struct Table {
  std::string title;
  std::vector<Column> columns;
  std::vector<TableRow> rows;
  std::size_t omitted = 0;      ///< rows beyond the table's bound, not listed
  std::size_t sort_column = 0;
  bool descending = true;

  /// Index of the column named name, or columns.size().
  std::size_t column(const std::string& name) const;
};

/// RFC 4180 CSV: a header line, then one line per row; every field escaped
/// as on a terminal (base/terminal_text.hpp: no control byte, line break or
/// invalid UTF-8 stays raw), then quoted when it holds a comma or a quote.
std::string table_csv(const Table& t);

/// Sorts rows by column (numbers by value, names by bytes), ties by the
/// first column, and sets sort_column/descending.
void sort_table(Table& t, std::size_t column, bool descending);

}  // namespace ior::live
