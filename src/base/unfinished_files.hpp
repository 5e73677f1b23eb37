#pragma once
// The temporary files of outputs not finished yet (base/output_file.hpp),
// for the one exit that runs no destructor: the last-resort stop (a third
// stop signal, cli/stop_signals.hpp) removes them, rather than leave hidden
// files of any size (a JSON file of 700 MB) that no message names.

#include <cstddef>
#include <string>

namespace ior::unfinished_files {

/// name in the directory open as dir_fd is an output's temporary file.
void add(int dir_fd, const std::string& name);
/// It is gone, placed or kept on purpose.
void remove(int dir_fd, const std::string& name) noexcept;
/// Unlinks every one still listed (for the process's last moments);
/// returns how many were removed.
std::size_t remove_all() noexcept;

}  // namespace ior::unfinished_files
