#include "sink/fan_out.hpp"

namespace ior::sink {

void FanOut::add(std::unique_ptr<Sink> sink) { sinks_.push_back(std::move(sink)); }

void FanOut::consume(const schema::EventRow& row) {
  for (auto& s : sinks_) s->consume(row);
}

void FanOut::stop_requested() noexcept {
  for (auto& s : sinks_) s->stop_requested();
}

void FanOut::flush() {
  for (auto& s : sinks_) s->flush();
}

void FanOut::close() noexcept {
  for (auto& s : sinks_) s->close();
}

SinkReport FanOut::report() const {
  SinkReport total;
  total.name = "all";
  for (const auto& r : reports()) {
    total.rows_written += r.rows_written;
    total.rows_lost += r.rows_lost;
    total.failed = total.failed || r.failed;
  }
  return total;
}

std::vector<SinkReport> FanOut::reports() const {
  std::vector<SinkReport> out;
  out.reserve(sinks_.size());
  for (const auto& s : sinks_) out.push_back(s->report());
  return out;
}

}  // namespace ior::sink
