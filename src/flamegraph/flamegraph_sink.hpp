#pragma once
// The -flamegraph sink: aggregates the run into collapsed stacks and, at
// close, writes NAME.collapsed (folded format) and NAME.svg, each created
// safely and renamed into place (base/output_file.hpp). Both names are
// checked by the constructor, so a taken one (without -force) is an error
// before tracing begins, not after a long run.

#include <atomic>
#include <string>

#include "base/counter.hpp"
#include "base/output_file.hpp"
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
  ExistingOutput existing = ExistingOutput::kRefuse;  ///< kReplace: -force
};

class FlamegraphSink final : public sink::Sink {
 public:
  /// Throws Error when an output name is taken (without kReplace) or unusable.
  explicit FlamegraphSink(FlamegraphSinkOptions options);
  void consume(const schema::EventRow& row) noexcept override {
    try {
      aggregator_.add(row);
      rows_.add();
    } catch (...) {
      rows_lost_.add();  // out of memory: the graph misses this row, counted
    }
  }
  void close() noexcept override;
  void abandon() noexcept override;  ///< the temporary file is removed, the name untouched
  sink::SinkReport report() const override;
  /// Written: the rows in the graph so far (the files are written at
  /// close); lost, all of them, once the files could not be written.
  std::optional<sink::SinkCounts> counts() const noexcept override {
    if (files_failed_.load(std::memory_order_acquire)) {
      return sink::SinkCounts{.rows_written = 0, .rows_lost = rows_.get() + rows_lost_.get()};
    }
    return sink::SinkCounts{.rows_written = rows_.get(), .rows_lost = rows_lost_.get()};
  }

 private:
  FlamegraphSinkOptions options_;
  StackAggregator aggregator_;
  Counter rows_;  // the sink's thread writes, the -live footer reads
  Counter rows_lost_;
  std::vector<std::string> lines_;
  std::string error_;
  bool kept_ = false;  // the outputs exist, one under its temporary name
  std::atomic<bool> files_failed_{false};  // no .collapsed file is there: counts() reads it from other threads
  bool closed_ = false;
};

}  // namespace ior::flamegraph
