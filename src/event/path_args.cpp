#include "event/path_args.hpp"

#include <fcntl.h>
#include <linux/mount.h>

#include <array>

#include "ior_event.h"

namespace ior::event {
namespace {

// The slots follow the num0..num2 columns of bpf/syscalls.def; the unit test
// path_args_test checks them against the syscalls' argument lists.
constexpr std::array<PathArgs, IOR_SC_COUNT> make_table() {
  std::array<PathArgs, IOR_SC_COUNT> t{};
  auto at = [&t](std::uint16_t id, std::int8_t dirfd) -> PathArgs& {
    t[id].dirfd0 = dirfd;
    return t[id];
  };
  auto empty_path = [](PathArgs& a, std::int8_t flags_slot, std::uint32_t flag = AT_EMPTY_PATH) {
    a.flags = flags_slot;
    a.empty_flag = flag;
  };
  // open class: args = flags, mode, dirfd
  at(IOR_SC_openat, 2);
  at(IOR_SC_openat2, 2);
  empty_path(at(IOR_SC_open_tree, 2), 0);
  empty_path(at(IOR_SC_open_tree_attr, 2), 0);
  // path class: args[0] is the dirfd
  for (std::uint16_t id : {IOR_SC_faccessat, IOR_SC_fchmodat, IOR_SC_mkdirat, IOR_SC_mknodat, IOR_SC_unlinkat}) {
    at(id, 0);
  }
  for (std::uint16_t id : {IOR_SC_faccessat2, IOR_SC_fchmodat2, IOR_SC_fchownat, IOR_SC_newfstatat,
                           IOR_SC_name_to_handle_at, IOR_SC_file_getattr, IOR_SC_file_setattr}) {
    empty_path(at(id, 0), 1);
  }
  for (std::uint16_t id : {IOR_SC_getxattrat, IOR_SC_listxattrat, IOR_SC_removexattrat, IOR_SC_setxattrat,
                           IOR_SC_mount_setattr, IOR_SC_statx}) {
    empty_path(at(id, 0), 2);
  }
  empty_path(at(IOR_SC_fspick, 0), 2, FSPICK_EMPTY_PATH);
  // An empty (or NULL) name is the dirfd's file itself.
  at(IOR_SC_readlinkat, 0).empty_names_dirfd = true;
  at(IOR_SC_futimesat, 0).empty_names_dirfd = true;
  at(IOR_SC_fanotify_mark, 0).empty_names_dirfd = true;
  PathArgs& utimensat = at(IOR_SC_utimensat, 0);
  empty_path(utimensat, 1);
  utimensat.empty_names_dirfd = true;  // NULL: futimens()
  // name class: args = old dirfd, new dirfd, flags
  for (std::uint16_t id : {IOR_SC_renameat, IOR_SC_renameat2}) at(id, 0).dirfd1 = 1;
  PathArgs& linkat = at(IOR_SC_linkat, 0);
  linkat.dirfd1 = 1;
  empty_path(linkat, 2);
  // symlink(target, linkpath): the target is text stored in the link
  t[IOR_SC_symlink].str0_is_link_target = true;
  t[IOR_SC_symlinkat].str0_is_link_target = true;
  t[IOR_SC_symlinkat].dirfd1 = 1;
  return t;
}

constexpr auto kTable = make_table();

}  // namespace

const PathArgs& path_args(std::uint16_t id) { return id < kTable.size() ? kTable[id] : kTable[0]; }

}  // namespace ior::event
