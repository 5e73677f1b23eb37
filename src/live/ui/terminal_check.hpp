#pragma once
// Whether the live view can run here: standard input and output must be a
// terminal that terminfo knows. The reason is returned as text so that the
// command line can refuse -live with it before anything is loaded.

#include <string>

namespace ior::live::ui {

/// "" when the terminal can take the live view, else why not.
std::string terminal_problem();

}  // namespace ior::live::ui
