#pragma once
// Absolute paths by text alone: a name joined to the directory it is
// relative to, with ".", ".." and repeated or trailing slashes removed.
// Nothing is looked up on the file system: a ".." after a symlinked
// directory names the lexical parent (the shell's `pwd -L` view), which is
// what ior can know without racing the traced process (docs/ARCHITECTURE.md,
// "Absolute paths").

#include <cstddef>
#include <string>
#include <string_view>

namespace ior::event {

/// The longest path ior makes from names (joined to a cwd or dirfd, moved
/// by a rename): a longer one (a directory reached by many relative chdirs)
/// is left as it was, since a hostile process must not make every row copy
/// megabytes.
inline constexpr std::size_t kMaxMadePath = 16384;

/// True for an absolute path that join_clean() would return unchanged.
bool is_clean_absolute(std::string_view path) noexcept;

/// out = name made absolute against base (a clean absolute directory; unused
/// when name is absolute) and cleaned. ".." at the root stays at the root, as
/// in the kernel. False, out unspecified, when the result would be longer than
/// max_bytes.
bool join_clean(std::string& out, std::string_view base, std::string_view name, std::size_t max_bytes);

/// The directory holding a clean absolute path: "/a/b" -> "/a", "/a" -> "/".
std::string_view parent_of(std::string_view clean_absolute) noexcept;

}  // namespace ior::event
