// libFuzzer target: arbitrary bytes as a stream of ring-buffer records fed
// to event::Pipeline. Each record is a 2-byte little-endian length and that
// many bytes. The consumer reads every string of every row, so a row pointing
// at freed or foreign memory shows up under AddressSanitizer.

#include <cstddef>
#include <cstdint>
#include <span>

#include "event/pipeline.hpp"

namespace {

class TouchingConsumer final : public ior::event::RowConsumer {
 public:
  void on_row(const ior::schema::EventRow& r) override {
    for (std::string_view s : {r.comm, r.syscall_name, r.filename, r.pathname, r.oldname,
                               r.newname, r.hostname}) {
      for (char c : s) sum_ += static_cast<unsigned char>(c);
    }
  }
  std::uint64_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TouchingConsumer consumer;
  ior::event::PipelineOptions options;
  options.proc_root = "/nonexistent-ior-fuzz-proc";
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
  }
  pipeline.sweep(~0ull);
  pipeline.finish();
  return 0;
}
