#pragma once
// Hands every row to every configured sink, in the order they were added.

#include <memory>
#include <vector>

#include "sink/sink.hpp"

namespace ior::sink {

class FanOut final : public Sink {
 public:
  void add(std::unique_ptr<Sink> sink);
  bool empty() const { return sinks_.empty(); }

  void consume(const schema::EventRow& row) override;
  void flush() override;
  void stop_requested() noexcept override;
  void close() noexcept override;
  /// The reports of the sinks are in reports(); this one sums them.
  SinkReport report() const override;
  std::vector<SinkReport> reports() const;

 private:
  std::vector<std::unique_ptr<Sink>> sinks_;
};

}  // namespace ior::sink
