#include "clickhouse/protocol/server_exception.hpp"

namespace ior::clickhouse::protocol {

ServerException::ServerException(std::vector<ExceptionInfo> chain)
    : Error("clickhouse: server error " + std::to_string(chain.at(0).code) + " (" + chain.at(0).name +
            "): " + chain.at(0).message),
      chain_(std::move(chain)) {}

}  // namespace ior::clickhouse::protocol
