#include "cli/delayed_line.hpp"

#include "cli/messages.hpp"

namespace ior::cli {

DelayedLine::DelayedLine(std::chrono::milliseconds after, std::function<std::optional<std::string>()> line) {
  timer_ = std::thread([this, after, line = std::move(line)] {
    std::unique_lock lock(mu_);
    if (done_cv_.wait_for(lock, after, [this] { return done_; })) return;
    lock.unlock();
    try {
      if (auto text = line()) print_message(*text);
    } catch (...) {  // a message that cannot be made (out of memory) is not worth the run
    }
  });
}

DelayedLine::~DelayedLine() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  done_cv_.notify_all();
  timer_.join();
}

}  // namespace ior::cli
