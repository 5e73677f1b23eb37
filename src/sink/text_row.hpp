#pragma once
// A row whose every string is valid UTF-8, for outputs that must write text
// (Parquet STRING columns, JSON). Names come from the traced processes and
// may hold any byte; such a row is written with its strings escaped
// (base/utf8_escape.hpp) and schema::kNoticeEscaped set.
//
// The escape is decided per row, not per value: when any string of the row
// is not valid UTF-8, every string of the row is escaped. A reader then
// knows exactly which values to unescape (all of a row with the notice bit,
// none of the others); deciding per value would leave a valid name that
// happens to read "\xff" ambiguous next to an escaped one. Rows whose
// strings are all valid UTF-8 (nearly all) are passed through untouched,
// after one validation pass over their strings (eight bytes at a time).
//
// TextRowReverse undoes it for rows read back (ior report): a flagged row
// gets its original bytes and loses the bit, so it is the row the pipeline
// made and the tables, filters and flame graphs see the names as traced.

#include <span>
#include <string>
#include <string_view>

#include "schema/event_row.hpp"

namespace ior::sink {

class TextRow {
 public:
  /// row itself when every string of it is valid UTF-8; otherwise a copy with
  /// every string escaped and kNoticeEscaped set, valid until the next call.
  const schema::EventRow& apply(const schema::EventRow& row);

 private:
  schema::EventRow escaped_;
  std::string bytes_;  // the escaped strings, back to back
};

class TextRowReverse {
 public:
  /// Unescapes every string of each row with kNoticeEscaped, into bytes of
  /// this object (valid until the next call), and clears the bit. Returns
  /// the name of the first string column holding a backslash that starts no
  /// escape (\\ or \xNN), which ior never writes; empty when all are fine.
  std::string_view apply(std::span<schema::EventRow> rows);

 private:
  std::string bytes_;  // the unescaped strings, back to back
};

/// True when every string column of row is valid UTF-8.
bool all_strings_valid_utf8(const schema::EventRow& row) noexcept;

}  // namespace ior::sink
