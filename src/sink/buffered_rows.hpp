#pragma once
// Rows formatted as text into one buffer and written out together (the
// console and JSON lines outputs): a row counts as written only once the
// write that carried it succeeded, and as lost when it failed.

#include <cstdint>
#include <string>

namespace ior::sink {

struct BufferedRows {
  std::string text;
  std::uint64_t pending = 0;  ///< rows in text, not written yet
  std::uint64_t written = 0;
  std::uint64_t lost = 0;

  /// The write of text is over (ok or failed): its rows are counted and
  /// the buffer is emptied for the next ones.
  void settle(bool ok) noexcept {
    (ok ? written : lost) += pending;
    pending = 0;
    text.clear();
  }
};

}  // namespace ior::sink
