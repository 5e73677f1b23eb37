#pragma once
// What the subcommands print on standard output (tables, CSV and JSON rows,
// an SVG, help): written with write(2), so a full disk or a reader that went
// away (EPIPE: ior ignores SIGPIPE only while tracing, a shell may ignore it
// for good) is an error that ends ior with one line and exit 1, never a
// silent exit 0 with the output cut.

#include <string_view>

namespace ior::cli {

/// Writes all of text to standard output; throws SystemError ("cannot write
/// to standard output: ...") when that fails.
void write_stdout(std::string_view text);

}  // namespace ior::cli
