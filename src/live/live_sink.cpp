#include "live/live_sink.hpp"

#include <utility>

namespace ior::live {

void LiveSink::consume(const schema::EventRow& row) noexcept {
  if (crash_.armed() && crash_.matches(row)) crash_.fire();
  try {
    encode_key(key_, row_key(row));
    std::lock_guard lock(mu_);
    try {
      Recent& r = recent_[row.tid % recent_.size()];
      if (r.entry == nullptr || r.key != key_) {
        r.entry = nullptr;
        r.entry = &current_.tallies.entry(key_);
        r.key.swap(key_);  // key_'s old bytes are overwritten by the next row
      }
      current_.add(*r.entry, r.key, row);
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
  for (auto& r : recent_) r.entry = nullptr;  // they point into the interval handed over
}

std::optional<sink::SinkCounts> LiveSink::counts() const noexcept {
  std::lock_guard lock(mu_);
  return sink::SinkCounts{.rows_written = rows_, .rows_lost = rows_lost_};
}

sink::SinkReport LiveSink::report() const {
  sink::SinkReport r;
  r.name = "live";
  const sink::SinkCounts c = *counts();
  r.rows_written = c.rows_written;
  r.rows_lost = c.rows_lost;
  return r;
}

}  // namespace ior::live
