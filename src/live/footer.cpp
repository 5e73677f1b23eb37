#include "live/footer.hpp"

#include <cstdio>

#include "live/format.hpp"

namespace ior::live {
namespace {

constexpr std::string_view kGap = "  ";

// A part of the footer: the pieces of one sink's state, or one piece.
using Part = std::vector<std::string>;

std::size_t joined_size(const Part& p) {
  std::size_t n = 0;
  for (const auto& piece : p) n += piece.size() + (n ? 2 : 0);
  return n;
}

std::string joined(const Part& p) {
  std::string s;
  for (const auto& piece : p) s += (s.empty() ? "" : ", ") + piece;
  return s;
}

// Fills lines left to right; `line_` holds `lead_` bytes of a label or an
// indent that is not worth a line by itself.
class Packer {
 public:
  Packer(std::vector<std::string>& lines, std::size_t width) : lines_(lines), width_(width) {}

  void add(const Part& part) {
    const std::size_t n = joined_size(part);
    if (!line_.empty() && line_.size() + kGap.size() + n > width_) {
      if (has_content()) {
        flush();
      } else {
        line_.clear();  // the label without the part: the part's name says it
        lead_ = 0;
      }
    }
    if (!line_.empty() || n <= width_) {
      if (!line_.empty()) line_ += kGap;
      line_ += joined(part);
      lead_ = 0;
      return;
    }
    // wider than a line by itself: broken after its commas, the rest indented
    for (std::size_t i = 0; i < part.size(); ++i) {
      const std::string piece = part[i] + (i + 1 < part.size() ? "," : "");
      bool content = has_content();
      if (content && line_.size() + 1 + piece.size() > width_) {
        flush();
        line_ = "  ";
        lead_ = line_.size();
        content = false;
      }
      if (content) line_ += ' ';
      line_ += piece;
      lead_ = 0;
    }
  }
  void flush() {
    if (has_content()) lines_.push_back(std::move(line_));
    line_.clear();
    lead_ = 0;
  }
  /// A label for the next part, dropped when the two do not fit.
  void label(std::string s) {
    flush();
    line_ = std::move(s);
    lead_ = line_.size();
  }

 private:
  bool has_content() const { return line_.size() > lead_; }

  std::vector<std::string>& lines_;
  std::size_t width_;
  std::string line_;
  std::size_t lead_ = 0;
};

Part sink_part(const sink::SinkQueueState& s) {
  Part p{s.name + ": " + format_bytes(s.queued_bytes) + "B queued"};
  std::uint64_t dropped = s.rows_dropped_queue;
  if (s.counts) {
    if (s.counts->rows_waiting != 0) p.push_back(format_count(s.counts->rows_waiting) + " waiting");
    p.push_back(format_count(s.counts->rows_spooled) + " spooled");
    p.push_back(format_count(s.counts->rows_lost) + " lost");
    dropped += s.counts->rows_dropped;
  }
  p.push_back(format_count(dropped) + " dropped");
  return p;
}

}  // namespace

std::vector<std::string> footer_lines(const FooterRun& run, const std::vector<sink::SinkQueueState>& sinks,
                                      std::size_t width) {
  std::vector<std::string> lines;
  Packer pack(lines, width);
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "ior: %.0fs", run.elapsed_s);
  pack.add({elapsed});
  pack.add({format_rate(run.events_per_s) + " events/s"});
  pack.add({format_count(run.rows) + " rows"});
  pack.add({format_count(run.drops) + " drops"});
  pack.add({format_count(run.mismatches) + " mismatches"});
  std::string keys = "keys " + format_count(run.keys);
  if (run.keys_to_other > 0) keys += " ([other]: " + format_count(run.keys_to_other) + ")";
  pack.add({keys});
  pack.label("sinks");
  for (const auto& s : sinks) pack.add(sink_part(s));
  pack.flush();
  return lines;
}

}  // namespace ior::live
