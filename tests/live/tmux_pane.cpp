#include "tmux_pane.hpp"

#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "subprocess.hpp"

namespace ior::testing {

bool TmuxPane::available() { return access("/usr/bin/tmux", X_OK) == 0; }

TmuxPane::TmuxPane(const std::string& dir, int width, int height) : socket_(dir + "/tmux.sock") {
  tmux({"-f", "/dev/null", "new-session", "-d", "-s", "live", "-x", std::to_string(width), "-y",
        std::to_string(height), "/bin/sh"});
  tmux({"set-option", "-g", "window-size", "manual"});
  tmux({"set-option", "-g", "status", "off"});  // the pane is the whole window
  resize(width, height);
}

TmuxPane::~TmuxPane() {
  try {
    tmux({"kill-server"});
  } catch (...) {
  }
}

std::string TmuxPane::tmux(std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/tmux", "-S", socket_});
  return run_and_capture(args, std::chrono::seconds(10));
}

void TmuxPane::type(const std::string& text) { tmux({"send-keys", "-t", "live", "-l", text}); }

void TmuxPane::keys(const std::vector<std::string>& names) {
  std::vector<std::string> args{"send-keys", "-t", "live"};
  args.insert(args.end(), names.begin(), names.end());
  tmux(args);
}

std::string TmuxPane::screen() { return tmux({"capture-pane", "-p", "-t", "live"}); }
std::string TmuxPane::screen_and_history() { return tmux({"capture-pane", "-p", "-S", "-", "-t", "live"}); }
std::string TmuxPane::screen_with_escapes() { return tmux({"capture-pane", "-p", "-e", "-t", "live"}); }

std::string TmuxPane::format(const std::string& fmt) {
  std::string s = tmux({"display-message", "-p", "-t", "live", fmt});
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

void TmuxPane::resize(int width, int height) {
  tmux({"resize-window", "-t", "live", "-x", std::to_string(width), "-y", std::to_string(height)});
}

bool TmuxPane::wait_for(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred(screen())) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace ior::testing
