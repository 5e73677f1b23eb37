// Writes a seed corpus of well-formed record streams for the fuzz target.
#include <fcntl.h>

#include <fstream>
#include <string>
#include <vector>

#include "record_builder.hpp"

namespace t = ior::testing;

namespace {

void append(std::vector<std::byte>& out, const t::Record& r) {
  out.push_back(static_cast<std::byte>(r.size() & 0xff));
  out.push_back(static_cast<std::byte>(r.size() >> 8));
  out.insert(out.end(), r.begin(), r.end());
}

void write(const std::string& dir, const std::string& name, const std::vector<std::byte>& b) {
  std::ofstream(dir + "/" + name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  std::vector<std::byte> s;
  auto open = t::spec(IOR_SC_openat, 10, 11, 100);
  open.str0 = "/etc/hosts";
  open.args = {O_RDONLY, 0, 0};
  append(s, t::enter_record(open));
  append(s, t::exit_record(IOR_SC_openat, 10, 11, 110, 3));
  auto read = t::spec(IOR_SC_read, 10, 11, 120);
  read.args = {3, 100, 0};
  append(s, t::enter_record(read));
  append(s, t::exit_record(IOR_SC_read, 10, 11, 130, 100));
  auto dup = t::spec(IOR_SC_dup3, 10, 11, 140);
  dup.args = {3, 9, O_CLOEXEC};
  append(s, t::enter_record(dup));
  append(s, t::exit_record(IOR_SC_dup3, 10, 11, 150, 9));
  append(s, t::task_record(IOR_EVENT_FORK, 20, 20, 160, 10));
  append(s, t::task_record(IOR_EVENT_EXEC, 20, 20, 170));
  append(s, t::task_record(IOR_EVENT_TASK_EXIT, 10, 10, 180, 0, IOR_TASK_GROUP_DEAD));
  write(dir, "open_read_dup_fork", s);

  std::vector<std::byte> n;
  auto rn = t::spec(IOR_SC_renameat2, 1, 2, 5);
  rn.str0 = "/old";
  rn.str1 = "/new";
  rn.str_flags = IOR_STR1_TRUNCATED;
  append(n, t::enter_record(rn));
  append(n, t::exit_record(IOR_SC_renameat2, 1, 2, 6, 0));
  auto cr = t::spec(IOR_SC_close_range, 1, 2, 7);
  cr.args = {0, ~0ull, 0};
  append(n, t::enter_record(cr));
  append(n, t::exit_record(IOR_SC_close_range, 1, 2, 8, 0));
  write(dir, "rename_close_range", n);

  // Strings unreadable at the enter, read again at the exit.
  std::vector<std::byte> late;
  auto lo = t::spec(IOR_SC_renameat2, 1, 2, 5);
  lo.str0 = "/old";
  lo.str_flags = IOR_STR1_FAULT;
  append(late, t::enter_record(lo));
  append(late, t::exit_str_record(IOR_SC_renameat2, 1, 2, 6, 0, IOR_STR1_FAULT, "", "/late/new"));
  write(dir, "late_strings", late);

  // Fds from the fake /proc (pid 10 has 0-2), fcntl, a mismatch and bad records.
  std::vector<std::byte> m;
  auto wr = t::spec(IOR_SC_write, 10, 11, 10);
  wr.args = {1, 5, 0};
  append(m, t::enter_record(wr));
  append(m, t::exit_record(IOR_SC_write, 10, 11, 11, 5));
  auto fc = t::spec(IOR_SC_fcntl, 10, 11, 12);
  fc.args = {2, F_SETFL, O_NONBLOCK};
  append(m, t::enter_record(fc));
  append(m, t::exit_record(IOR_SC_fcntl, 10, 11, 13, 0));
  append(m, t::exit_record(IOR_SC_read, 10, 12, 14, 1));
  t::Record bad = t::exit_record(IOR_SC_read, 10, 11, 15, 0);
  bad.resize(sizeof(ior_event_header) + 2);
  append(m, bad);
  write(dir, "proc_fds_and_errors", m);

  // As the kernel sends them since issue 15: syscalls without strings as
  // one paired record, a paired read after a lone enter.
  std::vector<std::byte> p;
  append(p, t::enter_record(open));
  append(p, t::exit_record(IOR_SC_openat, 10, 11, 110, 3));
  append(p, t::paired_record(read, 130, 100));
  append(p, t::paired_record(dup, 150, 9));
  append(p, t::enter_record(t::spec(IOR_SC_write, 10, 11, 160)));
  auto close = t::spec(IOR_SC_close, 10, 11, 170);
  close.args = {3, 0, 0};
  append(p, t::paired_record(close, 175, 0));
  write(dir, "paired", p);

  // An accept whose new fd got the number of the socket it was called on
  // (another thread closed that one while accept waited), in a row timed 0:
  // the row names the listening socket, whose entry the new fd replaces.
  std::vector<std::byte> a;
  auto sock = t::spec(IOR_SC_socket, 10, 11, 0);
  sock.args = {2, 1, 0};
  append(a, t::enter_record(sock));
  append(a, t::exit_fds_record(IOR_SC_socket, 10, 11, 0, 4, 4, -1, 100));
  auto acc = t::spec(IOR_SC_accept4, 10, 11, 0);
  acc.args = {4, 0, 0};
  append(a, t::enter_record(acc));
  append(a, t::exit_fds_record(IOR_SC_accept4, 10, 11, 0, 4, 4, -1, 101));
  write(dir, "accept_onto_its_own_fd", a);
  return 0;
}
