#include "flamegraph/flamegraph_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "flamegraph/flame_tree.hpp"

namespace ior::flamegraph {

void write_file(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw SystemError("cannot create " + path, errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw SystemError("writing " + path, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw SystemError("closing " + path, errno);
}

FlamegraphSink::FlamegraphSink(FlamegraphSinkOptions options)
    : options_(std::move(options)),
      aggregator_(options_.fields, options_.value, options_.max_stacks) {}

void FlamegraphSink::close() noexcept {
  if (closed_) return;
  closed_ = true;
  try {
    std::string collapsed = options_.name + ".collapsed";
    std::string svg = options_.name + ".svg";
    write_file(collapsed, aggregator_.folded());
    auto tree = build_tree(aggregator_.stacks());
    write_file(svg, render_svg(*tree, options_.svg));
    lines_.push_back("wrote " + collapsed + " (" + std::to_string(aggregator_.distinct_stacks()) +
                     " stacks) and " + svg);
    if (aggregator_.rows_in_other() != 0) {
      lines_.push_back(std::to_string(aggregator_.rows_in_other()) + " rows past " +
                       std::to_string(options_.max_stacks) + " distinct stacks folded into " +
                       std::string(StackAggregator::kOther));
    }
  } catch (const std::exception& e) {
    error_ = std::string("flamegraph: ") + e.what();
  }
}

sink::SinkReport FlamegraphSink::report() const {
  sink::SinkReport r;
  r.name = "flamegraph";
  r.rows_written = error_.empty() ? rows_ : 0;
  r.rows_lost = (error_.empty() ? 0 : rows_) + rows_lost_;
  r.lines = lines_;
  if (!error_.empty()) {
    r.failed = true;
    r.lines.push_back(error_);
  }
  return r;
}

}  // namespace ior::flamegraph
