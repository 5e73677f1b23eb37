// The spool on disk, without a server: what it writes (private files with
// a checked header), what it replays (only its own, verified files), and
// what another user on the host can do to it (nothing: run as nobody).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "clickhouse/event_block.hpp"
#include "clickhouse/writer/spool.hpp"
#include "clickhouse/writer/spool_file.hpp"
#include "hostile_user.hpp"
#include "synthetic_rows.hpp"

namespace ior::clickhouse::writer {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

EventBlock batch(std::size_t rows, std::uint32_t seed) {
  bench::SyntheticRows source(rows, seed);
  EventBlock b;
  for (const auto& r : source.rows()) b.append(r);
  return b;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string expect_refused(const fs::path& dir) {
  try {
    Spool s(dir, 1u << 30);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "spool in " << dir << " was not refused";
  return "";
}

TEST(SpoolFileTest, NamesAreIorsOwnOnly) {
  SpoolName n{"00000000000000000042", 7, true};
  std::string text = format_spool_name(n);
  EXPECT_EQ(text, "00000000000000000042-000000000007.maybe.native");
  auto back = parse_spool_name(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->run, n.run);
  EXPECT_EQ(back->seq, 7u);
  EXPECT_TRUE(back->maybe_stored);
  for (const char* foreign : {"x.native", "00000000000000000042-000000000007.native.bad", ".tmp-ab",
                              "0000000000000000004-000000000007.native", "0000000000000000004a-000000000007.native",
                              "00000000000000000042_000000000007.native", "lock"}) {
    EXPECT_FALSE(parse_spool_name(foreign)) << foreign;
  }
}

TEST(SpoolFileTest, ABatchRoundTripsAndAnyChangedByteIsCaught) {
  EventBlock b = batch(500, 1);
  std::string bytes = encode_spool_file(b.block());
  SpoolHeader h = decode_spool_header(bytes);
  EXPECT_EQ(h.rows, 500u);
  EXPECT_EQ(h.block_bytes, bytes.size() - kSpoolHeaderBytes);
  columns::Block back = decode_spool_file(bytes);
  ASSERT_EQ(back.rows(), 500u);
  for (std::size_t c = 0; c < back.column_count(); ++c) {
    for (std::size_t r : {0u, 250u, 499u}) EXPECT_EQ(back.at(c).column->text(r), b.block().at(c).column->text(r));
  }
  for (std::size_t at : {std::size_t{0}, std::size_t{20}, kSpoolHeaderBytes + 3, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x40);
    EXPECT_THROW(decode_spool_file(bad), FormatError) << "byte " << at;
  }
  EXPECT_THROW(decode_spool_file(bytes.substr(0, bytes.size() - 1)), FormatError);
  EXPECT_THROW(decode_spool_file(bytes + "x"), FormatError);
}

TEST(SpoolTest, FilesArePrivateAndReplayOldestFirstAcrossRuns) {
  TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "a" / "b";
  {
    Spool s(dir, 1u << 30);
    EXPECT_TRUE(s.counts().adopted);
    ASSERT_TRUE(s.put(batch(10, 2).block(), false));
    ASSERT_TRUE(s.put(batch(20, 3).block(), true));
    EXPECT_EQ(s.counts().rows_own, 30u);
  }
  EXPECT_EQ(mode_of(fs::path(tmp.path()) / "a"), 0700u);
  EXPECT_EQ(mode_of(dir), 0700u);
  for (const auto& name : names_in(dir)) EXPECT_EQ(mode_of(dir / name), 0600u) << name;
  Spool next(dir, 1u << 30);
  SpoolCounts c = next.counts();
  EXPECT_EQ(c.rows_earlier, 30u);
  EXPECT_EQ(c.rows_own, 0u);
  EXPECT_EQ(c.files, 2u);
  auto first = next.take_oldest();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->block.rows(), 10u);
  EXPECT_TRUE(first->earlier);
  EXPECT_FALSE(first->maybe_stored);
  auto second = next.take_oldest();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->block.rows(), 20u);
  EXPECT_TRUE(second->maybe_stored);
  EXPECT_FALSE(next.take_oldest()) << "both are checked out";
  next.release(first->name, false);
  next.remove(second->name);
  EXPECT_EQ(next.available(), 1u);
  EXPECT_EQ(next.counts().rows_earlier, 10u);
}

// A replayed batch whose INSERT failed unacknowledged may be in the table:
// released with the mark, it is checked before it is sent again, in this
// run and the next (the mark is in its name).
TEST(SpoolTest, AReleasedBatchThatMayBeStoredKeepsTheMarkAcrossRuns) {
  TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "spool";
  {
    Spool s(dir, 1u << 30);
    ASSERT_TRUE(s.put(batch(10, 9).block(), false));
    auto taken = s.take_oldest();
    ASSERT_TRUE(taken);
    EXPECT_FALSE(taken->maybe_stored);
    s.release(taken->name, true);
    auto again = s.take_oldest();
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->maybe_stored);
    EXPECT_TRUE(again->name.ends_with(".maybe.native")) << again->name;
    s.release(again->name, false);
  }
  Spool next(dir, 1u << 30);
  auto taken = next.take_oldest();
  ASSERT_TRUE(taken);
  EXPECT_TRUE(taken->maybe_stored);
  EXPECT_EQ(taken->block.rows(), 10u);
}

// A run killed while a replayed batch is checked out (its INSERT sent,
// perhaps stored, its file not yet removed) leaves that file marked: the
// next run checks it against the table instead of sending it again blind
// (a SIGKILL during a replay had stored 100 022 rows twice). A batch
// released as not stored takes back its plain name.
TEST(SpoolTest, ABatchCheckedOutByARunThatDiesIsMarkedMaybeStoredForTheNext) {
  TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "spool";
  {
    Spool s(dir, 1u << 30);
    ASSERT_TRUE(s.put(batch(10, 4).block(), false));
    ASSERT_TRUE(s.put(batch(20, 5).block(), false));
  }
  {
    Spool s(dir, 1u << 30);
    auto first = s.take_oldest();
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->maybe_stored) << "this run knows it is not sent yet";
    EXPECT_TRUE(first->name.ends_with(".maybe.native")) << first->name;
    EXPECT_EQ(names_in(dir).size(), 3u);  // the lock and two batches
    auto second = s.take_oldest();
    ASSERT_TRUE(second);
    s.release(second->name, false);
    // The run dies here: no remove() or release() of the first.
  }
  std::vector<std::string> marked;
  for (const auto& n : names_in(dir)) {
    if (n.ends_with(".maybe.native")) marked.push_back(n);
  }
  EXPECT_EQ(marked.size(), 1u);
  Spool next(dir, 1u << 30);
  auto first = next.take_oldest();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->block.rows(), 10u);
  EXPECT_TRUE(first->maybe_stored);
  auto second = next.take_oldest();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->block.rows(), 20u);
  EXPECT_FALSE(second->maybe_stored);
  next.remove(first->name);
  next.remove(second->name);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"lock"});
}

TEST(SpoolTest, TheLimitCountsEveryFileAndBadOnesAreSetAsideAndReported) {
  TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "spool";
  std::string good_name;
  {
    Spool s(dir, 1u << 30);
    ASSERT_TRUE(s.put(batch(100, 4).block(), false));
    ASSERT_TRUE(s.put(batch(100, 5).block(), false));
    good_name = names_in(dir).at(0) == "lock" ? names_in(dir).at(1) : names_in(dir).at(0);
  }
  // A torn file under ior's name, a foreign file, a symlink under ior's name.
  {
    std::ofstream(dir / "00000000000000000001-000000000000.native") << "IORSPOOL but torn";
    std::ofstream(dir / "notes.txt") << std::string(1000, 'x');
    fs::create_symlink("/etc/passwd", dir / "00000000000000000002-000000000000.native");
  }
  // A bit flipped in the middle of a good file: caught when read back.
  {
    std::fstream f(dir / good_name, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kSpoolHeaderBytes + 100));
    f.put('\x7f');
  }
  Spool s(dir, 1u << 30);
  SpoolCounts c = s.counts();
  EXPECT_EQ(c.files, 2u) << "the two good-looking files";
  EXPECT_EQ(c.bad_files, 1u) << "the torn one";
  EXPECT_GE(c.foreign_files, 1u);
  auto taken = s.take_oldest();
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->block.rows(), 100u);
  EXPECT_NE(taken->name, good_name);
  EXPECT_FALSE(s.take_oldest()) << "the altered file is set aside";
  c = s.counts();
  EXPECT_EQ(c.bad_files, 2u);
  EXPECT_TRUE(fs::exists(dir / (good_name + ".bad")));
  EXPECT_TRUE(fs::is_symlink(dir / "00000000000000000002-000000000000.native")) << "left alone";
  // Everything in the directory counts against the limit.
  std::uint64_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_symlink() && e.is_regular_file() && e.path().filename() != "lock") on_disk += fs::file_size(e.path());
  }
  EXPECT_EQ(c.bytes, on_disk);
  Spool small(dir / "small", 1u << 20);
  std::uint64_t puts = 0;
  while (small.put(batch(2000, 6).block(), false)) ++puts;
  EXPECT_GT(puts, 0u);
  EXPECT_LE(small.counts().bytes, 1u << 20);
}

TEST(SpoolTest, ADirectoryAnotherUserOwnsOrCanWriteOrLinksIsRefused) {
  IOR_REQUIRE_ROOT();
  testing::HostileDir hostile;
  const std::string owned = hostile.path() + "/spool";
  testing::run_as_nobody({"/bin/mkdir", "-m", "0700", owned});
  std::string why = expect_refused(owned);
  EXPECT_NE(why.find("belongs to uid 65534"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << "one line";

  TempDir tmp;
  const fs::path open_dir = fs::path(tmp.path()) / "open";
  fs::create_directory(open_dir);
  fs::permissions(open_dir, fs::perms::owner_all | fs::perms::group_all, fs::perm_options::replace);
  why = expect_refused(open_dir);
  EXPECT_NE(why.find("writable by group or others"), std::string::npos) << why;

  // A link planted by nobody in a sticky world-writable directory root
  // owns (like /tmp), where the spool will be, to a directory root owns.
  fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::replace);  // nobody may pass through, not write
  const fs::path sticky = fs::path(tmp.path()) / "sticky";
  fs::create_directory(sticky);
  fs::permissions(sticky, fs::perms::all | fs::perms::sticky_bit, fs::perm_options::replace);
  const fs::path target = fs::path(tmp.path()) / "roots";
  fs::create_directory(target);
  fs::permissions(target, fs::perms::owner_all, fs::perm_options::replace);
  const std::string link = (sticky / "linked").string();
  testing::run_as_nobody({"/bin/ln", "-s", target.string(), link});
  ASSERT_TRUE(fs::is_symlink(link));
  why = expect_refused(link);
  EXPECT_NE(why.find("symlink"), std::string::npos) << why;
  EXPECT_TRUE(fs::is_empty(target)) << "nothing written through the link";
}

TEST(SpoolTest, ARunThatFindsTheSpoolLockedLeavesEarlierFilesToItsHolder) {
  TempDir tmp;
  fs::path dir = fs::path(tmp.path()) / "spool";
  {
    Spool earlier(dir, 1u << 30);
    ASSERT_TRUE(earlier.put(batch(10, 7).block(), false));
  }
  Spool holder(dir, 1u << 30);
  EXPECT_EQ(holder.counts().rows_earlier, 10u);
  Spool second(dir, 1u << 30);
  EXPECT_FALSE(second.counts().adopted);
  EXPECT_EQ(second.counts().files, 0u);
  EXPECT_FALSE(second.take_oldest());
  ASSERT_TRUE(second.put(batch(5, 8).block(), false));
  auto own = second.take_oldest();
  ASSERT_TRUE(own);
  EXPECT_EQ(own->block.rows(), 5u);
  EXPECT_FALSE(own->earlier);
}

}  // namespace
}  // namespace ior::clickhouse::writer
