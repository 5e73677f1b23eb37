#pragma once
// How many terminal columns text takes, for fitting and padding table cells
// (the summary tables, the live view): a CJK character or an emoji takes
// two, a combining mark none, so a name counted one column per character
// pushed the numbers after it out of their columns.
//
// Widths come from utf8proc (Unicode's East Asian Width and general
// categories), not from wcwidth(3): glibc's answers only under a UTF-8
// locale, and ior runs under whatever locale a service manager gives it
// (often C, where every non-ASCII character is "not printable", -1).

#include <cstddef>
#include <string_view>

namespace ior {

/// Columns of UTF-8 text: 1 per ASCII byte, 2 per East Asian Wide or
/// Fullwidth character, 0 per combining or zero-width character; a byte that
/// is not part of well-formed UTF-8 counts 1 (escaped text has none).
std::size_t display_width(std::string_view text);

/// Length in bytes of the longest start of text that takes at most
/// max_width columns, cut between characters only.
std::size_t display_prefix(std::string_view text, std::size_t max_width);

}  // namespace ior
