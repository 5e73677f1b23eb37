// Strings whose page is not mapped yet at the syscall's enter (a path in a
// file mapping not yet touched, as a literal in a binary's rodata is at its
// first use): the enter cannot read them, the exit reads them again.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "ior_event.h"
#include "trace_fixture.hpp"

namespace ior::testing {
namespace {

// text (with its NUL) in a private file mapping none of whose pages this
// process has touched: the first read of it faults.
class UntouchedText {
 public:
  explicit UntouchedText(const std::string& text) {
    char name[] = "/tmp/ior_late_XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp");
    unlink(name);
    const std::string bytes = text + '\0';
    if (write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) throw std::runtime_error("write");
    map_ = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    // The page is in the page cache (just written) but not in this
    // mapping's page table until the first access.
    if (map_ == MAP_FAILED) throw std::runtime_error("mmap");
  }
  ~UntouchedText() { munmap(map_, 4096); }
  UntouchedText(const UntouchedText&) = delete;
  UntouchedText& operator=(const UntouchedText&) = delete;
  const char* c_str() const { return static_cast<const char*>(map_); }

 private:
  void* map_ = nullptr;
};

std::vector<Record> records_of(const Collector& c, std::string_view name) {
  std::vector<Record> out;
  for (const auto& r : c.records) {
    if (r.name() == name) out.push_back(r);
  }
  return out;
}

TEST(LateStringsTest, APathNotMappedAtTheEnterIsReadAgainAtTheExit) {
  IOR_REQUIRE_ROOT();
  const std::string path = "/nonexistent/ior-late/" + std::to_string(getpid());
  UntouchedText text(path);
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  ASSERT_EQ(syscall(SYS_openat, AT_FDCWD, text.c_str(), O_RDONLY, 0), -1);
  ASSERT_EQ(errno, ENOENT);
  Collector c;
  tracer.drain(c);
  EXPECT_EQ(c.malformed, 0u);
  const auto opens = records_of(c, "openat");
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_TRUE(opens[0].is_enter());
  EXPECT_EQ(opens[0].str0, "") << "the enter could read it: the test did not make an unmapped page";
  EXPECT_EQ(opens[0].str_flags, IOR_STR0_FAULT);
  EXPECT_EQ(opens[1].kind, IOR_EVENT_EXIT_STR);
  EXPECT_EQ(opens[1].ret, -ENOENT);
  EXPECT_EQ(opens[1].reread, IOR_STR0_FAULT);
  EXPECT_EQ(opens[1].str0, path);
  EXPECT_EQ(opens[1].str1, "");
  EXPECT_EQ(opens[1].str_flags, 0);
}

TEST(LateStringsTest, OnlyTheUnreadableOneOfTwoStringsIsReadAgain) {
  IOR_REQUIRE_ROOT();
  const std::string to = "/nonexistent/ior-late-to/" + std::to_string(getpid());
  UntouchedText text(to);
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  ASSERT_EQ(syscall(SYS_renameat2, AT_FDCWD, "/nonexistent/ior-late-from", AT_FDCWD, text.c_str(), 0), -1);
  Collector c;
  tracer.drain(c);
  const auto renames = records_of(c, "renameat2");
  ASSERT_EQ(renames.size(), 2u);
  EXPECT_EQ(renames[0].str0, "/nonexistent/ior-late-from");
  EXPECT_EQ(renames[0].str_flags, IOR_STR1_FAULT);
  EXPECT_EQ(renames[1].kind, IOR_EVENT_EXIT_STR);
  EXPECT_EQ(renames[1].reread, IOR_STR1_FAULT);
  EXPECT_EQ(renames[1].str0, "");
  EXPECT_EQ(renames[1].str1, to);
}

TEST(LateStringsTest, ABadPointerStaysUnreadableAtTheExitAndReadableOnesCostNoSecondReading) {
  IOR_REQUIRE_ROOT();
  trace::Tracer tracer(this_thread_only());
  tracer.attach();
  ASSERT_EQ(syscall(SYS_openat, AT_FDCWD, reinterpret_cast<const char*>(8), O_RDONLY, 0), -1);
  ASSERT_EQ(errno, EFAULT);
  ASSERT_EQ(syscall(SYS_openat, AT_FDCWD, "/nonexistent/ior-late-mapped", O_RDONLY, 0), -1);
  Collector c;
  tracer.drain(c);
  const auto opens = records_of(c, "openat");
  ASSERT_EQ(opens.size(), 4u);
  EXPECT_EQ(opens[0].str_flags, IOR_STR0_FAULT);
  EXPECT_EQ(opens[1].kind, IOR_EVENT_EXIT_STR);
  EXPECT_EQ(opens[1].ret, -EFAULT);
  EXPECT_EQ(opens[1].reread, IOR_STR0_FAULT);
  EXPECT_EQ(opens[1].str_flags, IOR_STR0_FAULT);
  EXPECT_EQ(opens[1].str0, "");
  EXPECT_EQ(opens[2].str0, "/nonexistent/ior-late-mapped");
  EXPECT_EQ(opens[3].kind, IOR_EVENT_EXIT) << "a string read at the enter is not read again";
}

}  // namespace
}  // namespace ior::testing
