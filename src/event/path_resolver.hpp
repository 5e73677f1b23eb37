#pragma once
// Makes the names of an open, path or name syscall absolute: a relative name
// is joined to its directory fd's file (from the fd table) or to the
// process's current directory, AT_EMPTY_PATH names the fd's file, and the
// result is cleaned lexically (lexical_path.hpp). The names as passed go to
// the passed_name columns untouched. A name whose directory is unknown stays
// as passed, with kNoticePathUnresolved. docs/ARCHITECTURE.md, "Absolute
// paths", has the semantics and why userspace does this, not the kernel.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "event/fd_table.hpp"
#include "event/lexical_path.hpp"
#include "event/thread_state.hpp"
#include "schema/event_row.hpp"

namespace ior::event {

class PathResolver {
 public:
  /// A longer result is left unresolved (lexical_path.hpp).
  static constexpr std::size_t kMaxPath = kMaxMadePath;

  /// Sets the row's name columns and notice bits for a syscall of the open,
  /// path or name class. The views point into enter, the fd table or this
  /// resolver, and stay valid until the fd table changes or the next fill().
  void fill(std::uint32_t pid, std::uint32_t tid, const PendingEnter& enter, std::int64_t ret, FdTable& fds,
            schema::EventRow& row);
  /// The /proc reads the last fill()'s first and second names were made
  /// from (none when neither came through a name /proc gave).
  const NameSource& source0() const { return source0_; }
  const NameSource& source1() const { return source1_; }

 private:
  std::string_view resolve(std::uint32_t pid, std::uint32_t tid, std::int32_t dirfd, std::string_view name,
                           bool empty_names_dirfd, bool follows_last_link, std::int64_t ret, FdTable& fds,
                           std::string& buf, std::uint8_t& notice, NameSource& source);
  std::string_view through_fd_link(std::uint32_t pid, std::uint32_t tid, std::string_view path, bool follows_last_link,
                                   std::int64_t ret, FdTable& fds, std::string& buf, std::uint8_t& notice,
                                   NameSource& source);
  std::string buf0_;
  std::string buf1_;
  NameSource source0_;
  NameSource source1_;
};

}  // namespace ior::event
