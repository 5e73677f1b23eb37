#include "live/live_sink.hpp"

#include <utility>

namespace ior::live {

void LiveSink::consume(const schema::EventRow& row) noexcept {
  try {
    encode_key(key_, row_key(row));
    std::lock_guard lock(mu_);
    try {
      current_.add(key_, row);
      ++rows_;
    } catch (...) {
      ++rows_lost_;  // out of memory: the view misses this row, counted
    }
  } catch (...) {
    std::lock_guard lock(mu_);
    ++rows_lost_;
  }
}

void LiveSink::swap_interval(Interval& spare) noexcept {
  std::lock_guard lock(mu_);
  std::swap(current_, spare);
}

sink::SinkReport LiveSink::report() const {
  sink::SinkReport r;
  r.name = "live";
  std::lock_guard lock(mu_);
  r.rows_written = rows_;
  r.rows_lost = rows_lost_;
  return r;
}

}  // namespace ior::live
