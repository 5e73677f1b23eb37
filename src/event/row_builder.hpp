#pragma once
// Turns a paired enter + exit into the canonical row, and applies what the
// syscall did to the fd table (open adds, dup copies, close removes, chdir
// moves, ...).

#include <cstdint>

#include "event/cgroup_names.hpp"
#include "event/fd_table.hpp"
#include "event/path_resolver.hpp"
#include "event/thread_state.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

struct RowContext {
  std::int64_t wall_offset_ns = 0;
  std::string_view hostname;
  schema::Uuid collection_id{};
};

/// Fills row; string views point into thread, the fd table, paths, cgroups and ctx.
/// An open (and pipe, memfd_create, open_by_handle_at: row_effects.hpp) adds
/// its fds to the table here; everything else changes the table
/// only in apply_fd_effects, which must run after the row was consumed (a
/// close would otherwise free the name the row still points at).
void build_row(const RowContext& ctx, std::uint32_t pid, std::uint32_t tid,
               const ThreadState& thread, std::int64_t ret, std::uint64_t exit_ns,
               FdTable& fds, PathResolver& paths, CgroupNames& cgroups, schema::EventRow& row);

/// close, close_range, dup*, fcntl(F_DUPFD*, F_SETFL, F_SETFD), the
/// current directory of chdir/fchdir, and unshare(CLONE_FS). row: the syscall's row as build_row
/// left it, or nullptr when it could not be built (a successful chdir then
/// makes the directory unknown).
/// name_source: the /proc read the row's first name was made from
/// (PathResolver::source0), which a chdir's new cwd is made from too.
void apply_fd_effects(std::uint32_t pid, std::uint32_t tid, const PendingEnter& enter, std::int64_t ret, std::uint64_t exit_ns,
                      const schema::EventRow* row, FdTable& fds, const NameSource& name_source = {});

}  // namespace ior::event
