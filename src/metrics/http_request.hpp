#pragma once
// The little of HTTP/1.1 the metrics endpoint speaks: it reads a request's
// head (request line and header fields, up to the blank line; a body is
// never read: GET has none) and answers exactly one request per connection,
// then closes it.

#include <string>
#include <string_view>

namespace ior::metrics {

enum class Route {
  kIncomplete,        ///< no blank line yet: read more
  kMetrics,           ///< GET /metrics (a query string is ignored)
  kMetricsHead,       ///< HEAD /metrics
  kNotFound,          ///< another path
  kMethodNotAllowed,  ///< /metrics with another method
  kBadRequest,        ///< not an HTTP/1.x request line
};

/// What to do with the bytes received so far on a connection.
Route route_request(std::string_view received);

/// A complete response with Content-Length and Connection: close; the body
/// is left out for HEAD (head_only) but its length is still announced.
std::string http_response(int status, std::string_view content_type, std::string_view body, bool head_only = false);

/// "Not Found" for 404, ...
std::string_view reason_phrase(int status);

}  // namespace ior::metrics
