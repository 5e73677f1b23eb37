// libFuzzer target: arbitrary bytes as a stream of ring-buffer records fed
// to event::Pipeline (decoder, pairing, fd table, rows). Each record is a
// 2-byte little-endian length and that many bytes. The consumer reads every
// string of every row, so a row pointing at freed or foreign memory shows up
// under AddressSanitizer.

#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

#include "event/pipeline.hpp"

namespace {

class TouchingConsumer final : public ior::event::RowConsumer {
 public:
  void on_row(const ior::schema::EventRow& r) noexcept override {
    for (std::string_view s : {r.comm, r.syscall_name, r.filename, r.pathname, r.oldname,
                               r.newname, r.hostname}) {
      for (char c : s) sum_ += static_cast<unsigned char>(c);
    }
  }
  std::uint64_t sum_ = 0;
};

// A private temp dir as proc_root, with one fake process (pid 10, thread 11,
// fds 0-2, the seeds' pid) so the /proc fallback runs both its found and its
// not-found paths. Removed at exit.
class FakeProc {
 public:
  FakeProc() {
    char tmpl[] = "/tmp/ior-fuzz-proc-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    root_ = tmpl;
    namespace fs = std::filesystem;
    fs::create_directories(root_ / "10" / "fd");
    fs::create_directories(root_ / "10" / "fdinfo");
    fs::create_directories(root_ / "10" / "task" / "11");
    for (int fd = 0; fd < 3; ++fd) {
      fs::create_symlink("/dev/pts/" + std::to_string(fd), root_ / "10" / "fd" / std::to_string(fd));
      std::ofstream(root_ / "10" / "fdinfo" / std::to_string(fd)) << "pos:\t0\nflags:\t0102002\n";
    }
  }
  ~FakeProc() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::string root() const { return root_.string(); }

 private:
  std::filesystem::path root_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FakeProc proc;
  TouchingConsumer consumer;
  ior::event::PipelineOptions options;
  options.proc_root = proc.root();
  options.hostname = "fuzz";
  options.stale_enter_ns = 1;
  ior::event::Pipeline pipeline(options, consumer);
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    std::size_t len = data[pos] | (static_cast<std::size_t>(data[pos + 1]) << 8);
    pos += 2;
    if (len > size - pos) len = size - pos;
    pipeline.feed(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data + pos), len));
    pos += len;
    // Now and then the end of a reader's round: rows waiting for the check
    // of a /proc name go on (or keep waiting, for a time before the read).
    if ((len & 3) == 1) pipeline.handled_up_to(data[pos - 1] == 0xff ? ~0ull : pos);
  }
  pipeline.sweep(~0ull);
  pipeline.finish();
  return 0;
}
