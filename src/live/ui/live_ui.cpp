#include "live/ui/live_ui.hpp"

#include <curses.h>
#include <langinfo.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "base/display_width.hpp"
#include "base/error.hpp"
#include "base/output_file.hpp"
#include "base/terminal_text.hpp"
#include "flamegraph/folded_frame.hpp"
#include "flamegraph/svg_renderer.hpp"
#include "live/format.hpp"
#include "live/ui/crash_restore.hpp"

namespace ior::live::ui {
namespace {

// Tabs in key order; Files shows directories after `d`.
constexpr View kTabs[] = {View::kFiles, View::kProcesses, View::kSyscalls,
                          View::kErrors, View::kStream, View::kFlame};
constexpr int kTabCount = 6;

enum Pair : short { kPairHeader = 1, kPairSelected, kPairKey, kPairFlameA, kPairFlameB, kPairFlameC, kPairTitle };

int tab_of(View v) {
  if (v == View::kDirs) return 0;
  for (int i = 0; i < kTabCount; ++i) {
    if (kTabs[i] == v) return i;
  }
  return 0;
}

// Escaped text cut to at most `width` columns (never inside a character or
// an escape; a wide one that would straddle the edge is left out).
std::string cut(std::string s, std::size_t width) {
  s.resize(terminal_text_prefix(s, width));
  return s;
}

void put(int y, int x, const std::string& s, int max_width) {
  if (max_width <= 0) return;
  std::string c = cut(s, static_cast<std::size_t>(max_width));
  mvaddstr(y, x, c.c_str());
}

int attr_of(bool colors, Pair pair, int fallback) { return colors ? static_cast<int>(COLOR_PAIR(pair)) : fallback; }

std::string local_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

LiveUi::LiveUi(LiveSink& sink, UiOptions options)
    : sink_(sink),
      options_(std::move(options)),
      model_(options_.limits, options_.flame),
      switch_on_(options_.switches.size(), true) {}

LiveUi::~LiveUi() { stop(); }

void LiveUi::start(std::chrono::steady_clock::time_point now) {
  std::setlocale(LC_CTYPE, "");
  utf8_ = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  set_escdelay(25);
  crash_restore_save(STDOUT_FILENO);  // the modes before ncurses changes them
  // newterm, not initscr: initscr exits the process when it fails
  screen_ = newterm(nullptr, stdout, stdin);
  if (screen_ == nullptr) throw Error("-live: cannot set up the terminal");
  set_term(screen_);
  started_ = true;
  cbreak();  // Ctrl-C stays a signal: ior stops in order, as without -live
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  curs_set(0);
  colors_ = has_colors();
  if (colors_) {
    start_color();
    use_default_colors();
    init_pair(kPairHeader, COLOR_BLACK, COLOR_CYAN);
    init_pair(kPairSelected, COLOR_BLACK, COLOR_GREEN);
    init_pair(kPairKey, COLOR_BLACK, COLOR_CYAN);
    init_pair(kPairFlameA, COLOR_BLACK, COLOR_RED);
    init_pair(kPairFlameB, COLOR_BLACK, COLOR_YELLOW);
    init_pair(kPairFlameC, COLOR_BLACK, COLOR_MAGENTA);
    init_pair(kPairTitle, COLOR_CYAN, -1);
  }
  crash_restore_arm();
  last_refresh_ = now;
  next_refresh_ = now + options_.interval;
  rebuild();
  draw();
}

void LiveUi::stop() noexcept {
  if (!started_) return;
  started_ = false;
  crash_restore_disarm();
  curs_set(1);
  endwin();
  delscreen(screen_);
  screen_ = nullptr;
}

bool LiveUi::tick(std::chrono::steady_clock::time_point now) {
  for (int key = getch(); key != ERR; key = getch()) {
    if (!handle_key(key)) return false;
    dirty_ = true;
  }
  if (now >= next_refresh_) {
    refresh_model(now);
    next_refresh_ += options_.interval;
    if (next_refresh_ <= now) next_refresh_ = now + options_.interval;  // fell behind: no burst
    dirty_ = true;
  }
  if (dirty_) draw();
  return true;
}

void LiveUi::refresh_model(std::chrono::steady_clock::time_point now) {
  spare_.clear();
  sink_.swap_interval(spare_);
  model_.apply(spare_, std::chrono::duration<double>(now - last_refresh_).count());
  last_refresh_ = now;
  if (!paused_) rebuild();
}

void LiveUi::rebuild() {
  table_ = model_.table(view_);
  if (cursor_ >= table_.rows.size()) cursor_ = table_.rows.empty() ? 0 : table_.rows.size() - 1;
}

bool LiveUi::handle_key(int key) {
  if (editing_) {
    handle_filter_key(key);
    return true;
  }
  if (switches_panel_ && key != KEY_RESIZE) {
    handle_switch_key(key);
    return true;
  }
  if (help_ && key != KEY_RESIZE) {
    help_ = false;
    return true;
  }
  message_.clear();
  const std::size_t page = static_cast<std::size_t>(std::max(1, LINES - 8));
  switch (key) {
    case 'q':
    case 'Q':
    case KEY_F(10): return false;
    case '?':
    case 'h':
    case KEY_F(1): help_ = true; break;
    case '1': case '2': case '3': case '4': case '5': case '6':
      view_ = kTabs[key - '1'];
      cursor_ = top_ = 0;
      rebuild();
      break;
    case '\t':
      view_ = kTabs[(tab_of(view_) + 1) % kTabCount];
      cursor_ = top_ = 0;
      rebuild();
      break;
    case KEY_BTAB:
      view_ = kTabs[(tab_of(view_) + kTabCount - 1) % kTabCount];
      cursor_ = top_ = 0;
      rebuild();
      break;
    case 'd':
      if (view_ == View::kFiles || view_ == View::kDirs) {
        view_ = view_ == View::kFiles ? View::kDirs : View::kFiles;
        cursor_ = top_ = 0;
        rebuild();
      }
      break;
    case KEY_UP: case 'k': if (cursor_ > 0) --cursor_; break;
    case KEY_DOWN: case 'j': if (cursor_ + 1 < table_.rows.size()) ++cursor_; break;
    case KEY_PPAGE: cursor_ = cursor_ > page ? cursor_ - page : 0; break;
    case KEY_NPAGE:
      cursor_ = std::min(cursor_ + page, table_.rows.empty() ? 0 : table_.rows.size() - 1);
      break;
    case KEY_HOME: cursor_ = 0; break;
    case KEY_END: cursor_ = table_.rows.empty() ? 0 : table_.rows.size() - 1; break;
    case '/':
    case KEY_F(4):
      editing_ = true;
      edit_ = model_.filter_text();
      break;
    case 's':
    case KEY_F(6):
      model_.sort_next(view_);
      rebuild();
      break;
    case 'S':
    case 'r':
      model_.sort_by(view_, table_.sort_column);
      rebuild();
      break;
    case '<':
    case '>': {
      const std::size_t n = table_.columns.size();
      if (n == 0) break;
      model_.sort_by(view_, key == '>' ? (table_.sort_column + 1) % n : (table_.sort_column + n - 1) % n);
      rebuild();
      break;
    }
    case ' ':
      paused_ = !paused_;
      if (!paused_) rebuild();
      break;
    case '\n':
    case '\r':
    case KEY_ENTER: enter(); break;
    case KEY_BACKSPACE:
    case 127:
    case 8: back(); break;
    case 't':
      if (!options_.switches.empty()) switches_panel_ = true;
      break;
    case 'e': export_csv(); break;
    case 'f': export_svg(); break;
    case 12: clearok(curscr, TRUE); break;  // Ctrl-L
    case KEY_RESIZE: break;                 // stdscr has the new size: redrawn below
    default: break;
  }
  return true;
}

void LiveUi::handle_filter_key(int key) {
  switch (key) {
    case 27:  // Esc
      editing_ = false;
      break;
    case '\n':
    case '\r':
    case KEY_ENTER: {
      std::string error;
      if (model_.set_filter(edit_, error)) {
        editing_ = false;
        cursor_ = top_ = 0;
        rebuild();
      } else {
        message_ = "filter: " + error;
      }
      break;
    }
    case KEY_BACKSPACE:
    case 127:
    case 8:
      if (!edit_.empty()) edit_.pop_back();
      break;
    default:
      if (key >= 32 && key < 127 && edit_.size() < 512) edit_.push_back(static_cast<char>(key));
      break;
  }
}

void LiveUi::handle_switch_key(int key) {
  if (key == 27 || key == 't' || key == 'q' || key == '\n') {
    switches_panel_ = false;
    return;
  }
  if (key < 'a' || key >= 'a' + static_cast<int>(options_.switches.size())) return;
  const auto i = static_cast<std::size_t>(key - 'a');
  const bool on = !switch_on_[i];
  if (options_.set_switch && options_.set_switch(i, on)) {
    switch_on_[i] = on;
    message_ = options_.switches[i].first + (on ? ": recorded again" : ": off in the kernel");
  } else {
    message_ = options_.switches[i].first + ": cannot be switched (none of its syscalls is traced)";
  }
}

void LiveUi::enter() {
  if (cursor_ >= table_.rows.size()) return;
  const std::string& what = table_.rows[cursor_].drill;
  if (what.empty()) return;
  switch (view_) {
    case View::kProcesses:
    case View::kErrors:
    case View::kStream:
      model_.drill({DrillStep::Kind::kPid, what});
      view_ = View::kFiles;  // that process's files; its syscalls one tab further
      break;
    case View::kFiles: model_.drill({DrillStep::Kind::kFile, what}); view_ = View::kProcesses; break;
    case View::kDirs: model_.drill({DrillStep::Kind::kDirectory, what}); view_ = View::kFiles; break;
    case View::kSyscalls: return;
    case View::kFlame: model_.flame_zoom(what); break;
  }
  cursor_ = top_ = 0;
  rebuild();
}

void LiveUi::back() {
  if (view_ == View::kFlame && model_.flame_back()) {
  } else if (!model_.drill_back()) {
    return;
  }
  cursor_ = top_ = 0;
  rebuild();
}

std::string LiveUi::output_path(std::string_view what, std::string_view ext) const {
  const std::string base = options_.output_prefix + "-" + std::string(what) + "-" + local_stamp();
  for (int n = 1; n < 100; ++n) {
    std::string p = base + (n > 1 ? "-" + std::to_string(n) : "") + std::string(ext);
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(p, ec))) return p;
  }
  return base + std::string(ext);  // taken: the write below says so
}

void LiveUi::export_csv() {
  const std::string path = output_path(lower(view_name(view_)), ".csv");
  try {
    write_output_file(path, table_csv(table_), {.label = "live", .existing = ExistingOutput::kRefuse});
    message_ = "wrote " + path + " (" + std::to_string(table_.rows.size()) + " rows)";
  } catch (const std::exception& e) {
    message_ = std::string("export failed: ") + e.what();
  }
}

void LiveUi::export_svg() {
  const std::string path = output_path("flame", ".svg");
  try {
    auto tree = model_.flame_tree();
    flamegraph::SvgOptions svg;
    svg.title = "ior live";
    std::string fields;
    for (auto f : model_.flame_spec().fields) fields += (fields.empty() ? "" : ",") + std::string(flamegraph::field_name(f));
    svg.subtitle = fields + "; " + std::string(flamegraph::value_kind_name(model_.flame_spec().value)) +
                   (model_.filter_text().empty() ? "" : "; filter: " + model_.filter_text());
    svg.value_unit = std::string(flamegraph::value_kind_name(model_.flame_spec().value));
    write_output_file(path, flamegraph::render_svg(*tree, svg), {.label = "live", .existing = ExistingOutput::kRefuse});
    message_ = "wrote " + path;
  } catch (const std::exception& e) {
    message_ = std::string("flame graph failed: ") + e.what();
  }
}

void LiveUi::draw() {
  dirty_ = false;
  erase();
  int h = 0, w = 0;
  getmaxyx(stdscr, h, w);
  if (h < 10 || w < 40) {
    put(0, 0, "ior -live: the terminal is too small (at least 40x10)", w);
    refresh();
    return;
  }
  draw_tabs(w);
  draw_sparklines(w);
  draw_message(w);
  const auto footer_text = footer(h, w);
  int top = 3;
  int rows = h - static_cast<int>(footer_text.size()) - 1 - top;
  if (view_ == View::kFlame) {
    const int used = draw_flame_bars(top, std::max(1, rows / 2), w);
    top += used + 1;
    rows -= used + 1;
  }
  draw_table(top, rows, w);
  draw_footer(footer_text, h, w);
  if (help_) draw_help(h, w);
  if (switches_panel_) draw_switches(h, w);
  refresh();
}

void LiveUi::draw_tabs(int w) {
  int x = 0;
  attron(A_BOLD);
  put(0, x, "ior live", w);
  attroff(A_BOLD);
  x += 10;
  for (int i = 0; i < kTabCount && x < w; ++i) {
    std::string name = std::to_string(i + 1) + " " + std::string(view_name(kTabs[i]));
    if (kTabs[i] == View::kFiles && view_ == View::kDirs) name = "1 Directories";
    const bool current = tab_of(view_) == i;
    if (current) attron(attr_of(colors_, kPairHeader, A_REVERSE) | static_cast<int>(A_BOLD));
    put(0, x, " " + name + " ", w - x);
    if (current) attroff(attr_of(colors_, kPairHeader, A_REVERSE) | static_cast<int>(A_BOLD));
    x += static_cast<int>(name.size()) + 3;
  }
  if (paused_ && x + 9 < w) {
    attron(A_BOLD | A_BLINK);
    put(0, w - 8, "PAUSED", 8);
    attroff(A_BOLD | A_BLINK);
  }
}

void LiveUi::draw_sparklines(int w) {
  const int spark = std::max(8, (w - 44) / 2);
  auto tail = [&](std::vector<double> v) {
    if (v.size() > static_cast<std::size_t>(spark)) v.erase(v.begin(), v.end() - spark);
    return v;
  };
  const double rate = model_.seconds_last() > 0 ? static_cast<double>(model_.rows_last()) / model_.seconds_last() : 0;
  auto lat = model_.latency_history();
  std::string line = "rows/s " + std::string(10 - std::min<std::size_t>(10, format_rate(rate).size()), ' ') +
                     format_rate(rate) + " ";
  mvaddstr(1, 0, line.c_str());
  attron(attr_of(colors_, kPairTitle, A_BOLD));
  put(1, static_cast<int>(line.size()), sparkline(tail(model_.rate_history()), utf8_), spark);
  attroff(attr_of(colors_, kPairTitle, A_BOLD));
  int x = static_cast<int>(line.size()) + spark + 2;
  std::string p99 = "p99 " + format_duration(lat.empty() ? 0 : static_cast<std::uint64_t>(lat.back()));
  p99.resize(std::max<std::size_t>(p99.size(), 14), ' ');
  put(1, x, p99, w - x);
  x += static_cast<int>(p99.size());
  attron(attr_of(colors_, kPairTitle, A_BOLD));
  put(1, x, sparkline(tail(lat), utf8_), std::min(spark, w - x));
  attroff(attr_of(colors_, kPairTitle, A_BOLD));
}

void LiveUi::draw_message(int w) {
  if (editing_) {
    std::string line = "filter: " + terminal_text(edit_);
    put(2, 0, line, w);
    curs_set(1);
    move(2, std::min(w - 1, static_cast<int>(terminal_width(line))));
    if (!message_.empty()) {
      attron(A_BOLD);
      put(2, std::min(w - 1, static_cast<int>(terminal_width(line)) + 2), terminal_text(message_), w / 2);
      attroff(A_BOLD);
    }
    return;
  }
  curs_set(0);
  if (!message_.empty()) {
    attron(A_BOLD);
    put(2, 0, terminal_text(message_), w);
    attroff(A_BOLD);
    return;
  }
  std::string line;
  if (!model_.filter_text().empty()) line += "filter: " + terminal_text(model_.filter_text()) + "   ";
  for (const auto& d : model_.drill_steps()) line += "> " + terminal_text(d.label()) + " ";
  if (view_ == View::kFlame) {
    line += "flame: all";
    for (const auto& p : model_.flame_path()) line += " > " + terminal_text(flamegraph::folded_frame_bytes(p));
  }
  std::string off;
  for (std::size_t i = 0; i < switch_on_.size(); ++i) {
    if (!switch_on_[i]) off += (off.empty() ? "" : ",") + options_.switches[i].first;
  }
  if (!off.empty()) line += "   not recorded: " + off;
  if (line.empty()) line = "no filter (/ sets one, ? help)";
  put(2, 0, line, w);
}

int LiveUi::draw_flame_bars(int top, int rows, int w) {
  auto bars = model_.flame_bars(static_cast<std::size_t>(rows), 1.0 / w);
  int used = 0;
  const Pair pairs[] = {kPairFlameA, kPairFlameB, kPairFlameC};
  std::size_t i = 0;
  for (const auto& b : bars) {
    const int y = top + static_cast<int>(b.depth);
    const int x0 = static_cast<int>(b.x * w + 0.5);
    const int x1 = std::min(w, static_cast<int>((b.x + b.width) * w + 0.5));
    if (x1 - x0 < 1) continue;
    used = std::max(used, static_cast<int>(b.depth) + 1);
    const int attr = colors_ ? static_cast<int>(COLOR_PAIR(pairs[i++ % 3])) : ((i++ % 2) ? A_REVERSE : A_BOLD);
    // the bar's last column stays blank when it can: neighbours stay apart
    // even without colours
    const int inner = x1 - x0 >= 2 ? x1 - x0 - 1 : x1 - x0;
    std::string text = cut(b.name, static_cast<std::size_t>(inner));
    text.resize(text.size() + static_cast<std::size_t>(std::max(0, inner - static_cast<int>(terminal_width(text)))), ' ');
    attron(attr);
    put(y, x0, text, inner);
    attroff(attr);
  }
  return used;
}

void LiveUi::draw_table(int top, int rows, int w) {
  const auto& t = table_;
  const std::size_t n = t.columns.size();
  if (n == 0 || rows < 2) return;
  const std::size_t visible = static_cast<std::size_t>(rows - 1);
  if (cursor_ < top_) top_ = cursor_;
  if (cursor_ >= top_ + visible) top_ = cursor_ - visible + 1;
  if (top_ > t.rows.size()) top_ = 0;

  // widths: headers and the visible cells; the wide column takes what is left
  std::vector<int> width(n, 0);
  std::size_t wide = n;
  int fixed = 0;
  for (std::size_t c = 0; c < n; ++c) {
    width[c] = static_cast<int>(t.columns[c].name.size()) + 1;
    if (t.columns[c].wide) {
      wide = c;
      continue;
    }
    for (std::size_t r = top_; r < std::min(t.rows.size(), top_ + visible); ++r) {
      width[c] = std::max(width[c], static_cast<int>(terminal_width(terminal_text(t.rows[r].cells[c].text))));
    }
    width[c] = std::min(width[c], 24);
    fixed += width[c] + 1;
  }
  if (wide < n) width[wide] = std::max(10, w - fixed - 1);

  auto cell_text = [&](std::size_t c, const std::string& raw) {
    const int cw = width[c];
    std::string s = c == wide ? terminal_text_tail(raw, static_cast<std::size_t>(cw)) : cut(terminal_text(raw), static_cast<std::size_t>(cw));
    const int pad = std::max(0, cw - static_cast<int>(terminal_width(s)));
    return t.columns[c].numeric ? std::string(static_cast<std::size_t>(pad), ' ') + s
                                : s + std::string(static_cast<std::size_t>(pad), ' ');
  };

  // header, sort column marked
  attron(attr_of(colors_, kPairHeader, A_REVERSE));
  mvhline(top, 0, ' ', w);
  int x = 0;
  for (std::size_t c = 0; c < n && x < w; ++c) {
    std::string name = t.columns[c].name;
    if (c == t.sort_column && view_ != View::kStream) name += t.descending ? "v" : "^";
    put(top, x, cell_text(c, name), w - x);
    x += width[c] + 1;
  }
  attroff(attr_of(colors_, kPairHeader, A_REVERSE));

  for (std::size_t r = top_; r < std::min(t.rows.size(), top_ + visible); ++r) {
    const int y = top + 1 + static_cast<int>(r - top_);
    const bool selected = r == cursor_;
    if (selected) {
      attron(attr_of(colors_, kPairSelected, A_REVERSE));
      mvhline(y, 0, ' ', w);
    }
    x = 0;
    for (std::size_t c = 0; c < n && x < w; ++c) {
      put(y, x, cell_text(c, t.rows[r].cells[c].text), w - x);
      x += width[c] + 1;
    }
    if (selected) attroff(attr_of(colors_, kPairSelected, A_REVERSE));
  }
  if (t.rows.empty()) put(top + 1, 0, "(nothing yet" + std::string(model_.filter_text().empty() && model_.drill_steps().empty() ? ")" : " that passes the filter)"), w);
  if (t.omitted > 0 && t.rows.size() < top_ + visible + 1) {
    put(top + rows - 1, 0, "... and " + std::to_string(t.omitted) + " more rows (the view lists the first " +
                           std::to_string(t.rows.size()) + ")", w);
  }
}

std::vector<std::string> LiveUi::footer(int h, int w) const {
  FooterRun run = run_;
  run.keys = model_.keys();
  run.keys_to_other = model_.keys_to_other();
  auto lines = footer_lines(run, sinks_, static_cast<std::size_t>(w));
  // the table keeps most of the screen; a footer cut short ends with "..."
  const auto most = static_cast<std::size_t>(std::max(2, h / 3));
  if (lines.size() > most) {
    lines.resize(most);
    lines.back() = cut(lines.back(), static_cast<std::size_t>(std::max(0, w - 3))) + "...";
  }
  return lines;
}

void LiveUi::draw_footer(const std::vector<std::string>& lines, int h, int w) {
  const int first = h - 1 - static_cast<int>(lines.size());
  attron(attr_of(colors_, kPairHeader, A_REVERSE));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int y = first + static_cast<int>(i);
    mvhline(y, 0, ' ', w);
    put(y, 0, terminal_text(lines[i]), w);
  }
  attroff(attr_of(colors_, kPairHeader, A_REVERSE));

  static constexpr std::pair<const char*, const char*> kKeys[] = {
      {"F1", "Help"}, {"/", "Filter"}, {"s", "Sort"}, {"Spc", "Pause"}, {"Ent", "Drill"},
      {"Bksp", "Back"}, {"e", "CSV"},  {"f", "SVG"},  {"t", "Syscalls"}, {"Tab", "View"},  {"q", "Quit"}};
  int x = 0;
  move(h - 1, 0);
  for (const auto& [k, what] : kKeys) {
    if (x >= w) break;
    attron(A_BOLD);
    put(h - 1, x, k, w - x);
    attroff(A_BOLD);
    x += static_cast<int>(std::strlen(k));
    attron(attr_of(colors_, kPairKey, A_REVERSE));
    put(h - 1, x, what, w - x);
    attroff(attr_of(colors_, kPairKey, A_REVERSE));
    x += static_cast<int>(std::strlen(what)) + 1;
  }
}

void LiveUi::draw_switches(int h, int w) {
  const int bh = static_cast<int>(options_.switches.size()) + 4;
  const int bw = std::min(w - 2, 100);
  const int y0 = std::max(0, (h - bh) / 2), x0 = std::max(0, (w - bw) / 2);
  for (int y = 0; y < bh && y0 + y < h; ++y) mvhline(y0 + y, x0, ' ', bw);
  attron(A_BOLD);
  mvhline(y0, x0, '-', bw);
  mvhline(y0 + bh - 1, x0, '-', bw);
  put(y0 + 1, x0 + 2, "syscalls recorded (a letter switches its family in the kernel; t or Esc closes)", bw - 4);
  attroff(A_BOLD);
  for (std::size_t i = 0; i < options_.switches.size(); ++i) {
    const auto& [name, members] = options_.switches[i];
    std::string line = std::string(1, static_cast<char>('a' + i)) + "  " + (switch_on_[i] ? "on   " : "OFF  ") + name;
    line.resize(std::max<std::size_t>(line.size(), 18), ' ');
    put(y0 + 2 + static_cast<int>(i), x0 + 2, line + members, bw - 4);
  }
}

void LiveUi::draw_help(int h, int w) {
  static constexpr const char* kHelp[] = {
      "ior -live: keys",
      "",
      "1..6, Tab, Shift-Tab  views: Files Processes Syscalls Errors Stream Flame",
      "d                     Files: per file / per directory",
      "arrows PgUp PgDn      move;  Home End",
      "Enter                 drill down (process, file, directory); Flame: zoom",
      "Backspace             back (undo a drill-down or a zoom)",
      "s  < >  S             next sort column; previous/next; reverse",
      "/                     filter (Enter applies, Esc cancels):",
      "                        WORD regex on file, comm or syscall",
      "                        path=RE comm=RE syscall=RE pid=N container=HEX",
      "                        latency>=1ms (1us..1s, powers of ten)  errors",
      "space                 pause the screen (counting goes on)",
      "e                     write the view as CSV;  f  the flame graph as SVG",
      "t                     switch families of syscalls off/on in the kernel",
      "Ctrl-L                redraw;  q  quit",
      "",
      "any key closes this help"};
  const int bh = static_cast<int>(std::size(kHelp)) + 2;
  const int bw = std::min(w - 2, 80);
  const int y0 = std::max(0, (h - bh) / 2), x0 = std::max(0, (w - bw) / 2);
  for (int y = 0; y < bh && y0 + y < h; ++y) mvhline(y0 + y, x0, ' ', bw);
  attron(A_BOLD);
  mvhline(y0, x0, '-', bw);
  mvhline(y0 + bh - 1, x0, '-', bw);
  attroff(A_BOLD);
  for (int i = 0; i < static_cast<int>(std::size(kHelp)); ++i) put(y0 + 1 + i, x0 + 2, kHelp[i], bw - 4);
}

}  // namespace ior::live::ui
