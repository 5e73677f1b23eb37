#pragma once
// The -flamegraph sink: aggregates the run into collapsed stacks and, at
// close, writes NAME.collapsed (folded format) and NAME.svg.

#include <string>

#include "flamegraph/stack_aggregator.hpp"
#include "flamegraph/svg_renderer.hpp"
#include "sink/sink.hpp"

namespace ior::flamegraph {

struct FlamegraphSinkOptions {
  std::string name;                 ///< output base name: NAME.collapsed, NAME.svg
  std::vector<Field> fields;
  ValueKind value = ValueKind::kCount;
  std::size_t max_stacks = 100'000;
  SvgOptions svg;                   ///< title, subtitle, colours
};

class FlamegraphSink final : public sink::Sink {
 public:
  explicit FlamegraphSink(FlamegraphSinkOptions options);
  void consume(const schema::EventRow& row) noexcept override {
    try {
      aggregator_.add(row);
      ++rows_;
    } catch (...) {
      ++rows_lost_;  // out of memory: the graph misses this row, counted
    }
  }
  void close() noexcept override;
  sink::SinkReport report() const override;

 private:
  FlamegraphSinkOptions options_;
  StackAggregator aggregator_;
  std::uint64_t rows_ = 0;
  std::uint64_t rows_lost_ = 0;
  std::vector<std::string> lines_;
  std::string error_;
  bool closed_ = false;
};

/// Writes bytes to path (replacing it); throws SystemError naming the path.
void write_file(const std::string& path, const std::string& bytes);

}  // namespace ior::flamegraph
