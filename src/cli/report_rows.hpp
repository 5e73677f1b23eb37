#pragma once
// `ior report -format csv|json`: rows as text for other tools, every column
// of this version's schema in table order (columns a file lacks print their
// default: 0, -1 for fd/fd2, empty strings). Rows are given as the file
// holds them: a row with a name that is not UTF-8 has its strings escaped
// and notice bit 64 (sink::TextRow, docs/PARQUET.md "Text columns").
//   csv:  RFC 4180: a header line of column names, then one line per row;
//         a field holding a comma, a double quote, CR or LF is quoted, its
//         quotes doubled. Lines end with CRLF as the RFC says.
//   json: one object per line (JSON lines), canonical column names; strings
//         escaped per RFC 8259, and C1 controls, line/paragraph separators
//         and bidirectional controls as \uXXXX too, so that the output is
//         safe on a terminal; a byte that is not part of valid UTF-8 becomes
//         the text \xNN (backslash, x, two hex digits; \u00NN would read as
//         another character). Integers are JSON numbers, collection_id the
//         UUID text.
// (A minimal encoder: the JSON lines sink of issue 14 item 3 has its own.)

#include <string>

#include "schema/event_row.hpp"

namespace ior::cli {

std::string csv_header();
/// for_terminal: string fields escaped (base/terminal_text.hpp) first.
void append_csv_row(std::string& out, const schema::EventRow& row, bool for_terminal = false);
void append_json_row(std::string& out, const schema::EventRow& row);

/// Exposed for tests.
void append_json_string(std::string& out, std::string_view v);

}  // namespace ior::cli
