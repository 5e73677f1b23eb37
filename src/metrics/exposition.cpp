#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "base/terminal_text.hpp"

namespace ior::metrics {
namespace {

bool name_char(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, colon)) return false;
  }
  return true;
}

const char* type_name(MetricType t) { return t == MetricType::kCounter ? "counter" : "gauge"; }

void append_sample(std::string& out, const std::string& family, const Sample& s) {
  out += family;
  if (!s.labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
      const Label& l = s.labels[i];
      // Names starting with "__" are reserved for Prometheus itself.
      if (!valid_label_name(l.name) || l.name.rfind("__", 0) == 0) {
        throw std::invalid_argument("metrics: invalid label name \"" + l.name + "\" of " + family);
      }
      if (i != 0) out += ',';
      out += l.name;
      out += "=\"";
      out += escape_label_value(l.value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_value(s.value);
  out += '\n';
}

}  // namespace

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }
bool valid_label_name(std::string_view name) { return valid_name(name, false); }

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r{};
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v);
  }
  return std::string(buf, r.ptr);
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string label_text(std::string_view text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  // A cut inside a UTF-8 sequence leaves a partial one: it is escaped as
  // \xNN bytes like any other invalid sequence.
  std::string out = terminal_text(cut ? text.substr(0, max_bytes) : text);
  if (cut) out += "...";
  return out;
}

std::string format_families(const std::vector<Family>& families) {
  std::string out;
  for (const Family& f : families) {
    if (!valid_metric_name(f.name)) throw std::invalid_argument("metrics: invalid metric name \"" + f.name + "\"");
    if (f.samples.empty()) continue;
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
    for (const Sample& s : f.samples) append_sample(out, f.name, s);
  }
  return out;
}

}  // namespace ior::metrics
