#pragma once
// A shell in a tmux pane of a private tmux server (its own socket, no
// configuration file), for driving ior -live as a user would: keys in with
// send-keys, the screen out with capture-pane.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ior::testing {

class TmuxPane {
 public:
  /// Starts the server and a session running sh in a pane of width x height.
  TmuxPane(const std::string& dir, int width, int height);
  ~TmuxPane();  // kills the server
  TmuxPane(const TmuxPane&) = delete;
  TmuxPane& operator=(const TmuxPane&) = delete;

  /// Types text literally (no key names).
  void type(const std::string& text);
  /// Sends tmux key names ("Enter", "Tab", "BSpace", "C-c", "q").
  void keys(const std::vector<std::string>& names);
  /// The screen as text, one line per row.
  std::string screen();
  /// The scrolled-off lines and the screen.
  std::string screen_and_history();
  /// The screen with attributes and colours as escape sequences.
  std::string screen_with_escapes();
  /// A tmux format of the pane, e.g. "#{alternate_on}", "#{cursor_flag}".
  std::string format(const std::string& fmt);
  void resize(int width, int height);
  /// Polls the screen every 100 ms until pred holds (true) or timeout (false).
  bool wait_for(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout);
  bool wait_for_text(const std::string& text, std::chrono::milliseconds timeout) {
    return wait_for([&](const std::string& s) { return s.find(text) != std::string::npos; }, timeout);
  }

  /// Whether tmux is installed.
  static bool available();

 private:
  std::string tmux(std::vector<std::string> args);
  std::string socket_;
};

}  // namespace ior::testing
