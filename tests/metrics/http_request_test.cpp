// What the endpoint answers to which request head, and the responses.
#include "metrics/http_request.hpp"

#include <gtest/gtest.h>

namespace ior::metrics {
namespace {

TEST(HttpRequestTest, GetMetricsIsServedOnceTheHeadIsComplete) {
  EXPECT_EQ(route_request(""), Route::kIncomplete);
  EXPECT_EQ(route_request("GET /metr"), Route::kIncomplete);
  EXPECT_EQ(route_request("GET /metrics HTTP/1.1\r\nHost: x\r\n"), Route::kIncomplete);
  EXPECT_EQ(route_request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), Route::kMetrics);
  EXPECT_EQ(route_request("GET /metrics HTTP/1.0\r\n\r\n"), Route::kMetrics);
  EXPECT_EQ(route_request("\r\nGET /metrics?x=1 HTTP/1.1\r\n\r\n"), Route::kMetrics);
  EXPECT_EQ(route_request("HEAD /metrics HTTP/1.1\r\n\r\n"), Route::kMetricsHead);
}

TEST(HttpRequestTest, OtherPathsMethodsAndGarbageAreRefused) {
  EXPECT_EQ(route_request("GET / HTTP/1.1\r\n\r\n"), Route::kNotFound);
  EXPECT_EQ(route_request("GET /metrics/ HTTP/1.1\r\n\r\n"), Route::kNotFound);
  EXPECT_EQ(route_request("GET /metricsx HTTP/1.1\r\n\r\n"), Route::kNotFound);
  EXPECT_EQ(route_request("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"), Route::kMethodNotAllowed);
  EXPECT_EQ(route_request("GET /metrics HTTP/2.0\r\n\r\n"), Route::kBadRequest);
  EXPECT_EQ(route_request("GET /metrics\r\n\r\n"), Route::kBadRequest);
  EXPECT_EQ(route_request("GET  /metrics HTTP/1.1\r\n\r\n"), Route::kBadRequest);
  EXPECT_EQ(route_request("\x16\x03\x01\x02"), Route::kBadRequest) << "a TLS hello is refused at once";
  EXPECT_EQ(route_request("GET /m\xc3\xa9 HTTP/1.1\r\n\r\n"), Route::kBadRequest);
}

TEST(HttpRequestTest, ResponseHasLengthTypeAndClose) {
  EXPECT_EQ(http_response(200, "text/plain; version=0.0.4; charset=utf-8", "a 1\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 4\r\nCache-Control: no-store\r\nConnection: close\r\n\r\na 1\n");
  const std::string head = http_response(200, "text/plain", "a 1\n", true);
  EXPECT_NE(head.find("Content-Length: 4\r\n"), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "HEAD: no body";
  EXPECT_NE(http_response(405, "text/plain", "").find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_TRUE(http_response(404, "text/plain", "").starts_with("HTTP/1.1 404 Not Found\r\n"));
}

}  // namespace
}  // namespace ior::metrics
