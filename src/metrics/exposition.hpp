#pragma once
// Prometheus text exposition format, version 0.0.4: one "# HELP" and one
// "# TYPE" line per family, then one line per sample. The values come from
// the caller; this file only writes them so that a strict parser (promtool
// check metrics, the Python client's parser) takes every line.
//
// Escaping (the format's own): in HELP text backslash and newline, in label
// values backslash, double quote and newline. Label values that carry text
// from elsewhere (an error of a server, a file name) go through label_text()
// first, which also makes them valid UTF-8 without control characters and
// bounds their length.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ior::metrics {

enum class MetricType { kCounter, kGauge };

struct Label {
  std::string name;   ///< [a-zA-Z_][a-zA-Z0-9_]*
  std::string value;  ///< any UTF-8; escaped when written
};

struct Sample {
  std::vector<Label> labels;
  double value = 0;
};

struct Family {
  std::string name;  ///< [a-zA-Z_:][a-zA-Z0-9_:]*; counters end in _total
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
};

/// The Content-Type of the body format_families() writes.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Families in order; a family without samples is left out (its HELP and
/// TYPE would describe nothing). Throws std::invalid_argument for an invalid
/// metric or label name (a programming error, caught by the unit tests).
std::string format_families(const std::vector<Family>& families);

/// A sample value: integers exactly (up to 2^53), others in the shortest
/// form that reads back the same; NaN, +Inf, -Inf as the format spells them.
std::string format_value(double v);

/// The format's escaping of a label value: \\ \" \n.
std::string escape_label_value(std::string_view v);
/// The format's escaping of HELP text: \\ \n.
std::string escape_help(std::string_view v);

/// Foreign text as a label value: at most max_bytes of it (cut, "..."
/// appended), then escaped as for a terminal (base/terminal_text: control
/// characters and bytes that are not UTF-8 become \xNN), so that the value
/// is valid UTF-8 on one line whatever the text held.
std::string label_text(std::string_view text, std::size_t max_bytes = 512);

bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

}  // namespace ior::metrics
