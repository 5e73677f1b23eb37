#pragma once
// A message said only if a wait lasts: started before a blocking call, it
// asks for its text once `after` has passed and the call has not returned,
// and prints it then. A wait that ends sooner says nothing.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ior::cli {

class DelayedLine {
 public:
  /// line: asked on the timer's thread; nullopt says nothing.
  DelayedLine(std::chrono::milliseconds after, std::function<std::optional<std::string>()> line);
  /// The wait is over: nothing more is said (joins the timer).
  ~DelayedLine();
  DelayedLine(const DelayedLine&) = delete;
  DelayedLine& operator=(const DelayedLine&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread timer_;
};

}  // namespace ior::cli
