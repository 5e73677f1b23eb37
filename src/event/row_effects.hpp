#pragma once
// The rows whose file columns come from what the syscall did rather than
// from its arguments: the fds of pipe/pipe2/socketpair (read from user
// memory at exit), socket/accept/accept4 and memfd_create enter the fd table
// under names userspace makes up ("pipe:[INODE]", "socket:[INODE]",
// "memfd:NAME", as /proc shows them); open_by_handle_at's fd
// is named through /proc (nothing in its arguments names the file); getcwd
// names the current directory ior knows. Two-fd rows name both files.
// docs/SYSCALLS.md lists what each row records.

#include <cstdint>

#include "event/fd_table.hpp"
#include "event/thread_state.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

/// The file behind fd for the syscall that entered at enter_ns into name,
/// and notice bits into notice; the flags it was opened with (0 when
/// unknown). Another thread may have closed the number and got it again
/// while the syscall ran (FdTable::resolve_at): never the newer file.
/// The name stays valid until the next name_fd with the same slot
/// (FdTable::hold_for_row): a row naming two fds uses slots 0 and 1.
std::int32_t name_fd(std::uint32_t pid, std::int32_t fd, std::int64_t ret, std::uint64_t enter_ns, FdTable& fds,
                     std::string_view& name, std::uint8_t& notice, std::size_t slot = 0);

/// copy_file_range, sendfile64, splice, tee: fd/filename the source,
/// fd2/filename2 the destination.
void fill_two_fds(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds, schema::EventRow& row);
/// pipe, pipe2: fd the read end, fd2 the write end; both enter the table.
void fill_pipe(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
               schema::EventRow& row);
/// socket, accept, accept4: the new fd enters the table as "socket:[INODE]";
/// it is the row's fd for socket, its fd2 for accept (whose fd is the
/// listening socket).
void fill_socket(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                 schema::EventRow& row);
/// socketpair: fd and fd2 the two sockets, each "socket:[INODE]".
void fill_socketpair(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns,
                     FdTable& fds, schema::EventRow& row);
/// epoll_create*, eventfd*, timerfd_create, signalfd*, inotify_init*,
/// fanotify_init, pidfd_open, userfaultfd, io_uring_setup: the fd enters the
/// table under the "anon_inode:..." name /proc gives it.
void fill_anon_fd(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                  schema::EventRow& row);
/// The fds an exit record of the PIPE or SOCKET class carries, entered in
/// the table under their names when the syscall's enter is missing (it began
/// before ior attached): the flags it was called with are unknown.
void learn_new_fds(std::uint32_t pid, std::uint16_t syscall, const ior_exit_fds_event& exit, std::uint64_t exit_ns,
                   FdTable& fds);
/// An open with O_TMPFILE (fd = ret, filename = its directory, as the path
/// resolver named it): the new fd is a file without a name in that
/// directory, "DIR/#INODE" as /proc names it (the inode from the exit record;
/// "DIR/#" and fd-unknown without it). /proc keeps that name after linkat
/// gives the file one, and so does the table. pathname keeps the directory.
void fill_tmpfile(std::uint32_t pid, const PendingEnter& e, std::uint64_t exit_ns, FdTable& fds,
                  schema::EventRow& row);
/// memfd_create: the fd enters the table as "memfd:NAME".
void fill_memfd(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, std::uint64_t exit_ns, FdTable& fds,
                schema::EventRow& row);
/// open_by_handle_at: the fd's file from /proc (notice fd-from-proc).
void fill_by_handle(std::uint32_t pid, const PendingEnter& e, std::int64_t ret, FdTable& fds,
                    schema::EventRow& row);
/// getcwd: pathname is the process's current directory as ior knows it.
void fill_getcwd(std::uint32_t pid, std::uint32_t tid, FdTable& fds, schema::EventRow& row);

}  // namespace ior::event
