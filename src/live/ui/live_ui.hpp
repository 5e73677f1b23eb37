#pragma once
// The full-screen live view (ncurses). It owns the terminal from start()
// to stop() (also called by the destructor, so every way out of the run,
// an exception included, leaves the terminal as it was). The caller's loop
// calls tick() often (every 50 ms): tick() reads the keys, takes the sink's
// rows every interval into the model, and redraws. Everything traced is
// escaped (base/terminal_text) before it is drawn.

#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>
#include <string>

#include "live/footer.hpp"
#include "live/live_model.hpp"
#include "live/live_sink.hpp"
#include "live/table.hpp"

struct screen;  // ncurses' SCREEN

namespace ior::live::ui {

struct UiOptions {
  std::chrono::milliseconds interval{1000};
  ModelLimits limits;
  FlameSpec flame;
  /// Exports are written as PREFIX-VIEW-YYYYmmdd-HHMMSS.csv / .svg.
  std::string output_prefix = "ior-live";
  /// Families of syscalls the `t` panel switches off and on in the kernel
  /// (name, members shown); set_switch(index, on) does it, false: failed.
  std::vector<std::pair<std::string, std::string>> switches;
  std::function<bool(std::size_t index, bool on)> set_switch;
};

class LiveUi {
 public:
  LiveUi(LiveSink& sink, UiOptions options);
  ~LiveUi();
  LiveUi(const LiveUi&) = delete;
  LiveUi& operator=(const LiveUi&) = delete;

  /// Takes the terminal (alternate screen, no echo, keypad). Throws Error
  /// when the terminal cannot be set up.
  void start(std::chrono::steady_clock::time_point now);
  /// Gives the terminal back as it was (idempotent, never throws).
  void stop() noexcept;
  /// Keys, refresh when the interval has passed, redraw. False: the user quit.
  bool tick(std::chrono::steady_clock::time_point now);
  /// What the footer tells about the run (events/s, drops; the keys are
  /// the model's) and about each sink (queued, waiting, spooled, lost,
  /// dropped): live/footer.hpp.
  void set_status(FooterRun run, std::vector<sink::SinkQueueState> sinks) {
    run_ = run;
    sinks_ = std::move(sinks);
  }
  /// A line shown on the message row until the next key (a sink failed, ...).
  void show_message(std::string message) { message_ = std::move(message); dirty_ = true; }

  LiveModel& model() { return model_; }

 private:
  void refresh_model(std::chrono::steady_clock::time_point now);
  void rebuild();
  bool handle_key(int key);  // false: quit
  void handle_filter_key(int key);
  void enter();
  void back();
  void export_csv();
  void export_svg();
  std::string output_path(std::string_view what, std::string_view ext) const;

  void draw();
  void draw_tabs(int width);
  void draw_sparklines(int width);
  void draw_message(int width);
  int draw_flame_bars(int top, int rows, int width);
  void draw_table(int top, int rows, int width);
  /// The footer's lines at this width, at most a third of the screen.
  std::vector<std::string> footer(int height, int width) const;
  void draw_footer(const std::vector<std::string>& lines, int height, int width);
  void draw_help(int height, int width);
  void draw_switches(int height, int width);
  void handle_switch_key(int key);

  LiveSink& sink_;
  UiOptions options_;
  LiveModel model_;
  Interval spare_;
  struct screen* screen_ = nullptr;
  bool started_ = false;
  bool utf8_ = false;
  bool colors_ = false;

  View view_ = View::kFiles;
  Table table_;
  std::size_t cursor_ = 0;
  std::size_t top_ = 0;
  bool paused_ = false;
  bool help_ = false;
  bool editing_ = false;
  bool switches_panel_ = false;
  std::vector<bool> switch_on_;
  std::string edit_;
  std::string message_;
  FooterRun run_;
  std::vector<sink::SinkQueueState> sinks_;
  bool dirty_ = true;
  std::chrono::steady_clock::time_point last_refresh_{};
  std::chrono::steady_clock::time_point next_refresh_{};
};

}  // namespace ior::live::ui
