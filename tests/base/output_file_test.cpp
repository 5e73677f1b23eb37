// OutputFile against what another local user can plant (run as nobody in a
// world-writable sticky directory they own): links at the final name, at
// the temporary name, a name taken during the run; and the plain contract:
// mode 0600, nothing under the final name before commit, nothing left
// behind on failure.
#include "base/output_file.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "hostile_user.hpp"

namespace ior {
namespace {

using testing::file_bytes;
using testing::HostileDir;
using testing::dir_entries;
using testing::is_root_owned_0600_file;

OutputOptions refuse() { return OutputOptions{.label = "out", .existing = ExistingOutput::kRefuse}; }
OutputOptions replace() { return OutputOptions{.label = "out", .existing = ExistingOutput::kReplace}; }

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      if (testing::in_ci()) FAIL() << "needs root to plant files as another user";
      GTEST_SKIP() << "needs root to plant files as another user";
    }
    dir_ = std::make_unique<HostileDir>();
  }
  std::string at(const std::string& name) const { return dir_->path() + "/" + name; }
  void expect_secret_untouched() const {
    EXPECT_EQ(file_bytes(dir_->secret()), HostileDir::kSecretBytes);
    EXPECT_TRUE(is_root_owned_0600_file(dir_->secret()));
  }
  std::unique_ptr<HostileDir> dir_;
};

TEST_F(OutputFileTest, WrittenUnderAHiddenRandomNameThenRenamedWithMode0600) {
  const std::string path = at("out.bin");
  {
    OutputFile f(path, refuse());
    EXPECT_TRUE(std::regex_match(f.temp_path(), std::regex(at("") + "\\.out\\.bin\\.[0-9a-f]{16}\\.tmp")))
        << f.temp_path();
    EXPECT_FALSE(std::filesystem::exists(path)) << "the final name only ever holds a complete file";
    EXPECT_TRUE(is_root_owned_0600_file(f.temp_path()));
    EXPECT_EQ(fcntl(f.fd(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    f.write("hello ");
    f.write("world");
    f.commit();
    EXPECT_FALSE(f.open());
  }
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"out.bin"});
  EXPECT_EQ(file_bytes(path), "hello world");
  EXPECT_TRUE(is_root_owned_0600_file(path));
}

TEST_F(OutputFileTest, TwoFilesForOneNameGetDifferentTemporaryNames) {
  OutputFile a(at("x"), refuse());
  OutputFile b(at("x"), refuse());
  EXPECT_NE(a.temp_path(), b.temp_path());
}

TEST_F(OutputFileTest, NothingIsLeftWhenNotCommitted) {
  {
    OutputFile f(at("gone.bin"), refuse());
    f.write("partial");
  }
  EXPECT_TRUE(dir_entries(dir_->path()).empty());
  {
    OutputFile f(at("gone.bin"), refuse());
    f.discard();
    EXPECT_FALSE(f.open());
  }
  EXPECT_TRUE(dir_entries(dir_->path()).empty());
}

TEST_F(OutputFileTest, APlantedLinkIsRefusedThenReplacedNeverFollowed) {
  const std::string path = at("out.bin");
  dir_->plant_link(dir_->secret(), path);
  try {
    OutputFile f(path, refuse());
    FAIL() << "accepted a name taken by a symbolic link";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "out: " + path + " exists (a symbolic link); -force replaces it");
  }
  EXPECT_EQ(dir_entries(dir_->path()), std::vector<std::string>{"out.bin"});  // no temporary file left
  EXPECT_THROW(check_output_path(path, refuse()), Error);

  write_output_file(path, "new bytes", replace());
  EXPECT_TRUE(is_root_owned_0600_file(path)) << "the link itself is replaced";
  EXPECT_EQ(file_bytes(path), "new bytes");
  expect_secret_untouched();
}

TEST_F(OutputFileTest, ADanglingLinkIsRefusedThenReplacedAndItsTargetNeverCreated) {
  const std::string path = at("out.bin");
  dir_->plant_link(dir_->nowhere(), path);
  EXPECT_THROW(write_output_file(path, "x", refuse()), Error);
  write_output_file(path, "x", replace());
  EXPECT_TRUE(is_root_owned_0600_file(path));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir_->nowhere())));
}

TEST_F(OutputFileTest, AnExistingFileIsRefusedThenReplaced) {
  const std::string path = at("out.bin");
  testing::run_as_nobody({"/bin/sh", "-c", "printf old > " + path});
  EXPECT_THROW(write_output_file(path, "new", refuse()), Error);
  EXPECT_EQ(file_bytes(path), "old");
  write_output_file(path, "new", replace());
  EXPECT_EQ(file_bytes(path), "new");
  EXPECT_TRUE(is_root_owned_0600_file(path)) << "a new file, not the other user's rewritten";
}

TEST_F(OutputFileTest, DirectoriesAndDevicesAreNeverReplaced) {
  std::filesystem::create_directory(at("d"));
  for (const auto& o : {refuse(), replace()}) {
    try {
      OutputFile f(at("d"), o);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "out: " + at("d") + " is a directory");
    }
    try {
      OutputFile f("/dev/null", o);
      FAIL();
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "out: /dev/null is not a regular file");
    }
    EXPECT_THROW(OutputFile(at(""), o), Error);  // no file name
  }
}

// A link that stands for a stream or a device is never replaced, -force or
// not: /dev/stdout (a link to /proc/self/fd/1) replaced by a regular file
// had broken it for every process on the host, also when standard output
// was a file (the link's target then a regular file).
TEST_F(OutputFileTest, LinksThatStandForAStreamOrADeviceAreNeverReplaced) {
  ASSERT_EQ(::mkfifo(at("fifo").c_str(), 0600), 0);
  const std::vector<std::pair<std::string, std::string>> links = {
      {"/proc/self/fd/1", at("to-fd")}, {"/dev/null", at("to-dev")}, {at("fifo"), at("to-fifo")}};
  for (const auto& [target, link] : links) dir_->plant_link(target, link);
  for (const auto& o : {refuse(), replace()}) {
    for (const auto& [target, link] : links) {
      try {
        write_output_file(link, "x", o);
        ADD_FAILURE() << link << " was replaced";
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "out: " + link + " is a symbolic link to " + target +
                                              ", not to a file: ior writes its outputs to files of their own "
                                              "and never replaces such a link");
      }
      EXPECT_TRUE(std::filesystem::is_symlink(link)) << link;
    }
    EXPECT_THROW(check_output_path("/dev/stdout", o), Error);
  }
  EXPECT_TRUE(std::filesystem::is_symlink("/dev/stdout"));
  const OutputOptions json{.label = "json", .existing = ExistingOutput::kReplace};
  try {
    check_output_path("/dev/stderr", json);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_TRUE(std::string(e.what()).ends_with(" (-json prints the rows on standard output)")) << e.what();
  }
}

// The temporary name is random, so an attacker can only guess: a link
// planted at the guessed name is skipped (O_EXCL), never opened.
TEST_F(OutputFileTest, ALinkAtTheTemporaryNameIsNeverOpened) {
  dir_->plant_link(dir_->secret(), at(".out.bin.guessed.tmp"));
  dir_->plant_link(dir_->nowhere(), at(".out.bin.guessed2.tmp"));
  std::vector<std::string> suffixes = {"guessed", "guessed2", "fresh"};
  std::size_t next = 0;
  OutputFile f(at("out.bin"), refuse(), [&] { return suffixes.at(next++); });
  EXPECT_EQ(next, 3u);
  EXPECT_EQ(f.temp_path(), at(".out.bin.fresh.tmp"));
  f.write("data");
  f.commit();
  EXPECT_EQ(file_bytes(at("out.bin")), "data");
  EXPECT_TRUE(std::filesystem::is_symlink(at(".out.bin.guessed.tmp")));
  expect_secret_untouched();
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir_->nowhere())));
}

// The directory's owner (another user) moves the file away during the run
// and puts a link to a root file under the temporary name: the rename
// places that link, and ior said "wrote". Now the commit fails and the link
// is gone from the output's name.
TEST_F(OutputFileTest, AFileSwappedDuringTheRunIsAnErrorAndWhatReplacedItIsRemoved) {
  const std::string path = at("out.bin");
  OutputFile f(path, refuse());
  f.write("rows");
  testing::run_as_nobody({"/bin/sh", "-c", "mv '" + f.temp_path() + "' '" + at("stolen") + "' && ln -s '" +
                                               dir_->secret() + "' '" + f.temp_path() + "'"});
  try {
    f.commit();
    FAIL() << "a swapped file was placed without a word";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the file ior wrote was moved away during the run"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path)));
  expect_secret_untouched();

  // A directory in its place: removed when empty, else named as left there.
  for (const bool full : {false, true}) {
    OutputFile g(path, refuse());
    g.write("rows");
    const std::string plant = "mv '" + g.temp_path() + "' '" + at(full ? "stolen-3" : "stolen-2") + "' && mkdir '" +
                              g.temp_path() + "'" + (full ? " && touch '" + g.temp_path() + "/x'" : "");
    testing::run_as_nobody({"/bin/sh", "-c", plant});
    try {
      g.commit();
      ADD_FAILURE() << "a directory put in its place was not noticed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(full ? "(left there: Directory not empty)" : "(removed)"), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(std::filesystem::exists(path), full);
  }
}

// Taken between the check at start and the rename at the end: without
// kReplace the rename refuses too; the complete file is kept and named.
TEST_F(OutputFileTest, ANameTakenDuringTheRunIsNotReplacedAndTheOutputIsKept) {
  const std::string path = at("out.bin");
  OutputFile f(path, refuse());
  f.write("complete");
  dir_->plant_link(dir_->secret(), path);
  try {
    f.commit();
    FAIL() << "replaced a name taken during the run";
  } catch (const OutputNotPlaced& e) {
    EXPECT_EQ(e.code(), EEXIST);
    EXPECT_EQ(e.kept_path(), f.temp_path());
    EXPECT_NE(std::string(e.what()).find("the complete file is kept as " + f.temp_path()), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_symlink(path));
  EXPECT_EQ(file_bytes(f.temp_path()), "complete");
  expect_secret_untouched();
}

// The directory removed during the run (rm -rf): the file went with it, so
// the error says so, and names no kept file (OutputNotPlaced would).
TEST_F(OutputFileTest, AFileRemovedWithItsDirectoryDuringTheRunIsAnErrorNotAKeptFile) {
  const std::string sub = at("gone");
  std::filesystem::create_directory(sub);
  const std::string path = sub + "/out.bin";
  OutputFile f(path, refuse());
  f.write("complete");
  std::filesystem::remove_all(sub);
  try {
    f.commit();
    FAIL() << "placed a file whose directory is gone";
  } catch (const OutputNotPlaced& e) {
    FAIL() << "claims a kept file: " << e.what();
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENOENT);
    EXPECT_EQ(std::string(e.what()),
              "out: the file written for " + path + " was removed during the run: No such file or directory");
  }
}

TEST_F(OutputFileTest, AMissingDirectoryIsOneErrorNamingThePath) {
  try {
    OutputFile f(at("no/such/x"), refuse());
    FAIL();
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENOENT);
    EXPECT_EQ(std::string(e.what()), "out: cannot create " + at("no/such/x") + ": No such file or directory");
  }
}

}  // namespace
}  // namespace ior
