#pragma once
// `ior report -format csv`: rows as text for other tools, every column of
// this version's schema in table order (columns a file lacks print their
// default: 0, -1 for fd/fd2, empty strings), RFC 4180: a header line of
// column names, then one line per row; a field holding a comma, a double
// quote, CR or LF is quoted, its quotes doubled; lines end with CRLF as the
// RFC says. Rows are given as the file holds them: a row with a name that
// is not UTF-8 has its strings escaped and notice bit 64 (sink::TextRow,
// docs/PARQUET.md "Text columns"). (-format json is the JSON lines of
// sink/json_row.hpp.)

#include <string>

#include "schema/event_row.hpp"

namespace ior::cli {

std::string csv_header();
/// for_terminal: string fields escaped (base/terminal_text.hpp) first.
void append_csv_row(std::string& out, const schema::EventRow& row, bool for_terminal = false);

}  // namespace ior::cli
