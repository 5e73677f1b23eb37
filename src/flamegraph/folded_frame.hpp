#pragma once
// One frame of the folded format (NAME.collapsed, the -live flame tab): a
// name escaped as for the terminal (no control byte, no newline, invalid
// UTF-8 as \xNN, backslash doubled), and ';', the frame separator, as
// \x3b, so that no name can split or merge frames and its bytes come back;
// a leading '[' as \x5b, so that no name is one of ior's own frames.

#include <string>
#include <string_view>

namespace ior::flamegraph {

void append_folded_frame(std::string& out, std::string_view name);

/// The name's bytes back from a frame. A frame that is not in this
/// escaping (folded text of another tool) is its own bytes.
std::string folded_frame_bytes(std::string_view frame);

}  // namespace ior::flamegraph
