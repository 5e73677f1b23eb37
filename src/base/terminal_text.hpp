#pragma once
// The one escaping of text that reaches a terminal. ior runs as root and
// prints names that any user chose (file names, thread names) and text from
// servers it does not control; a raw ESC, CSI (C1 0x9b) or newline in them
// could clear the operator's screen, retitle the window or forge lines.
//
// Escaped (every escape is reversible, so the original bytes can be
// recovered):
//   backslash                      -> \\ (doubled)
//   newline, tab, carriage return  -> \n  \t  \r
//   other C0 controls, DEL         -> \xNN (two lower-case hex digits)
//   C1 controls U+0080..U+009F     -> \xc2\xNN (their UTF-8 bytes)
//   Unicode line/paragraph separators and bidirectional formatting
//   controls (they move or reorder what follows on the line)
//                                  -> \xNN per UTF-8 byte
//   each byte that is not part of well-formed UTF-8 (stray continuation
//   bytes, overlong forms, surrogates, above U+10FFFF, truncated sequences)
//                                  -> \xNN
// Every other character, including all printable non-ASCII UTF-8, is kept
// as it is, so names stay readable.

#include <cstddef>
#include <string>
#include <string_view>

namespace ior {

struct TerminalTextOptions {
  /// Printable ASCII characters that are escaped as '\' + the character, for
  /// formats that use them as delimiters (the console quotes names with ').
  /// Never x, n, t or r (their escapes would read as \xNN, \n, ...).
  std::string_view also_escape;
  /// Keeps '\n' as a line break (multi-line text such as libbpf's logs);
  /// every line is escaped as above.
  bool keep_newlines = false;
  /// Leaves backslashes as they are, for text only shown, never parsed back
  /// (SVG labels): "\x1b" then reads the same whether it was the escape of
  /// an ESC byte or these four characters.
  bool keep_backslashes = false;
};

/// Appends text to out, escaped as described above.
void append_terminal_text(std::string& out, std::string_view text,
                          const TerminalTextOptions& options = {});

/// text escaped as described above.
std::string terminal_text(std::string_view text, const TerminalTextOptions& options = {});

/// The bytes append_terminal_text escaped into `escaped` (backslashes
/// doubled: not keep_backslashes), appended to out: \\, \xNN, \n, \t, \r
/// and '\' before one of also_escape. False, out partly written, when
/// `escaped` holds a backslash it never writes.
bool terminal_text_unescape(std::string_view escaped, std::string& out);

/// Columns that escaped text takes on a terminal (base/display_width.hpp:
/// two for a wide East Asian character or an emoji, none for a combining mark).
std::size_t terminal_width(std::string_view escaped);

/// text escaped, and when wider than max_width, "..." followed by the
/// longest tail that fits (cut between characters, never inside an escape),
/// for table cells where the end of a path says most.
std::string terminal_text_tail(std::string_view text, std::size_t max_width);

/// Length of the longest start of escaped text that takes at most
/// max_width columns, cut between characters and never inside an escape
/// ("\xe2\x80\xae" cut to "\xe2\x80\" would read as other bytes).
std::size_t terminal_text_prefix(std::string_view escaped, std::size_t max_width);

}  // namespace ior
