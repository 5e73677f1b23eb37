#include "metrics/http_request.hpp"

namespace ior::metrics {
namespace {

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
         c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
}

bool target_char(char c) { return c > 0x20 && c < 0x7f; }

}  // namespace

Route route_request(std::string_view received) {
  // A client may precede the request line with empty lines (RFC 9112 2.2).
  while (received.starts_with("\r\n")) received.remove_prefix(2);
  const auto head_end = received.find("\r\n\r\n");
  const auto line_end = received.find("\r\n");
  if (line_end == std::string_view::npos) {
    // A request line is ASCII; anything else is refused at once.
    for (char c : received) {
      if (!target_char(c) && c != ' ') return Route::kBadRequest;
    }
    return Route::kIncomplete;
  }
  const std::string_view line = received.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0) return Route::kBadRequest;
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  for (char c : method) {
    if (!token_char(c)) return Route::kBadRequest;
  }
  if (target.empty()) return Route::kBadRequest;
  for (char c : target) {
    if (!target_char(c)) return Route::kBadRequest;
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Route::kBadRequest;
  if (head_end == std::string_view::npos) return Route::kIncomplete;
  if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (target != "/metrics") return Route::kNotFound;
  if (method == "GET") return Route::kMetrics;
  if (method == "HEAD") return Route::kMetricsHead;
  return Route::kMethodNotAllowed;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Error";
  }
}

std::string http_response(int status, std::string_view content_type, std::string_view body, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  out += "Content-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (status == 405) out += "Allow: GET, HEAD\r\n";
  out += "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
  if (!head_only) out += body;
  return out;
}

}  // namespace ior::metrics
