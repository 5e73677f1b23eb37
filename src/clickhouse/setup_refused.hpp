#pragma once
// A server answered, and what it answered makes the sink's setup
// impossible (a table ior cannot write, a cluster the server does not
// define): the same on every try, so a setup error, never an outage to
// retry or spool through.

#include "base/error.hpp"

namespace ior::clickhouse {

class SetupRefused : public Error {
 public:
  using Error::Error;
};

}  // namespace ior::clickhouse
