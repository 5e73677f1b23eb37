#include "flamegraph/flamegraph_sink.hpp"

#include "base/error.hpp"
#include "flamegraph/flame_tree.hpp"

namespace ior::flamegraph {

namespace {

OutputOptions output_options(const FlamegraphSinkOptions& o) {
  return OutputOptions{.label = "flamegraph", .existing = o.existing, .durable = true};
}

}  // namespace

FlamegraphSink::FlamegraphSink(FlamegraphSinkOptions options)
    : options_(std::move(options)),
      aggregator_(options_.fields, options_.value, options_.max_stacks) {
  check_output_path(options_.name + ".collapsed", output_options(options_));
  check_output_path(options_.name + ".svg", output_options(options_));
}

void FlamegraphSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  std::string collapsed, wrote;  // made inside the try: close() may not throw
  bool collapsed_written = false;
  try {
    collapsed = options_.name + ".collapsed";
    wrote = "wrote " + collapsed + " (" + std::to_string(aggregator_.distinct_stacks()) + " stacks)";
    std::string svg = options_.name + ".svg";
    write_output_file(collapsed, aggregator_.folded(), output_options(options_));
    collapsed_written = true;
    auto tree = build_tree(aggregator_.stacks());
    write_output_file(svg, render_svg(*tree, options_.svg), output_options(options_));
    lines_.push_back(wrote + " and " + svg);
    if (aggregator_.rows_in_other() != 0) {
      lines_.push_back(std::to_string(aggregator_.rows_in_other()) + " rows past " +
                       std::to_string(options_.max_stacks) + " distinct stacks or " +
                       std::to_string(StackAggregator::kDefaultMaxBytes >> 20) + " MiB of stacks folded into " +
                       std::string(StackAggregator::kOther));
    }
  } catch (const OutputNotPlaced& e) {
    error_ = e.what();
    kept_ = true;
  } catch (const std::exception& e) {
    error_ = e.what();
    if (error_.rfind("flamegraph: ", 0) != 0) error_ = "flamegraph: " + error_;
    if (collapsed_written) {
      // Every row is in the complete .collapsed file; only its drawing is
      // missing, and the file makes it again.
      lines_.push_back(wrote + "; no SVG: ior flamegraph < " + collapsed + " draws it");
    } else {
      files_failed_.store(true, std::memory_order_release);
    }
  }
}

void FlamegraphSink::abandon() noexcept { closed_ = true; }  // the files are only written at close

sink::SinkReport FlamegraphSink::report() const {
  sink::SinkReport r;
  r.name = "flamegraph";
  const sink::SinkCounts c = *counts();
  r.rows_written = c.rows_written;
  r.rows_lost = c.rows_lost;
  r.lines = lines_;
  if (!error_.empty()) {
    r.failed = true;
    r.lines.push_back(error_);
  }
  return r;
}

}  // namespace ior::flamegraph
