#pragma once
// The escape that makes any bytes valid UTF-8 text, for outputs whose
// strings must be text (Parquet STRING columns, JSON). Linux names are bytes:
// any byte but '/' and NUL, in no particular encoding.
//
// Rule (docs/PARQUET.md, "Text columns"):
//   - a value that is well-formed UTF-8 is written as it is, byte for byte;
//   - any other value is escaped as a whole: each backslash becomes \\ and
//     each byte that is not part of a well-formed UTF-8 sequence becomes
//     \xNN (two lower-case hex digits); well-formed sequences are kept.
// Whether a value was escaped is not visible in the value itself (a valid
// name may contain the four characters \xff), so whoever escapes records it
// next to the value (rows: sink/text_row.hpp, the notice bit). Unescaping an
// escaped value gives back the original bytes exactly.
//
// The common value is short ASCII: validation tests eight bytes at a time.

#include <string>
#include <string_view>

namespace ior {

/// True when s is well-formed UTF-8 (RFC 3629: no overlong forms,
/// surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;

/// Appends s escaped (backslashes doubled, invalid bytes as \xNN) to out.
/// Meant for values that are not valid_utf8(); the result always is.
void append_utf8_escaped(std::string& out, std::string_view s);

/// Reverses append_utf8_escaped: false (out partly written) when escaped
/// holds a backslash that starts neither \\ nor \x with two hex digits.
bool utf8_unescape(std::string_view escaped, std::string& out);

}  // namespace ior
