#pragma once
// An exception the server reported (packet Exception): ClickHouse's error
// code and name, its message, and the nested exceptions that caused it.

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace ior::clickhouse::protocol {

struct ExceptionInfo {
  std::int32_t code = 0;
  std::string name;
  std::string message;
  std::string stack_trace;
};

class ServerException : public Error {
 public:
  /// chain[0] is the outermost exception; what() is its message with the code.
  explicit ServerException(std::vector<ExceptionInfo> chain);
  std::int32_t code() const { return chain_.front().code; }
  const std::string& name() const { return chain_.front().name; }
  const std::string& message() const { return chain_.front().message; }
  const std::vector<ExceptionInfo>& chain() const { return chain_; }

 private:
  std::vector<ExceptionInfo> chain_;
};

/// Well-known ClickHouse error codes the client and its users act on.
namespace error_code {
inline constexpr std::int32_t kUnknownTable = 60;
inline constexpr std::int32_t kUnknownDatabase = 81;
inline constexpr std::int32_t kUnknownSetting = 115;
inline constexpr std::int32_t kAuthenticationFailed = 516;
inline constexpr std::int32_t kUnknownUser = 192;
inline constexpr std::int32_t kWrongPassword = 193;
inline constexpr std::int32_t kQueryWasCancelled = 394;
}  // namespace error_code

}  // namespace ior::clickhouse::protocol
