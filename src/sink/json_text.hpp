#pragma once
// JSON strings (RFC 8259) for the JSON lines output and `ior report -format
// json`, safe to print on a terminal: the escapes RFC 8259 requires ('"',
// '\', U+0000..U+001F as \b \f \n \r \t or \u00XX), and as \uXXXX also DEL,
// the C1 controls and the characters that move or reorder the rest of a
// line (base/utf8.hpp, moves_terminal_text; the set base/terminal_text
// escapes). A JSON parser reads \uXXXX as the character itself, so values
// stay exact. Every other character, non-ASCII UTF-8 included, is copied.

#include <string>
#include <string_view>

namespace ior::sink {

/// Appends text as a JSON string, quotes included. text should be valid
/// UTF-8 (rows go through sink::TextRow first, which makes any bytes so,
/// reversibly); a byte that is not becomes U+FFFD, so the output is always
/// valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ior::sink
