// What ior prints for the exception that ends it: the text of a ClickHouse
// server exception (decoded from the bytes a server sends) and of any other
// error reaches the terminal escaped, on one line.
#include "cli/messages.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "clickhouse/protocol/server_exception.hpp"

namespace ior::cli {
namespace {

TEST(MessagesTest, ServerExceptionTextIsEscaped) {
  clickhouse::protocol::ExceptionInfo info;
  info.code = 60;
  info.name = "DB::Exception\x1b[2J";
  info.message = "Table default.\x1b]0;owned\x07 doesn't exist\nior: forged line\xc2\x9b";
  clickhouse::protocol::ServerException e({info});
  EXPECT_EQ(fatal_error_text(e),
            "ior: clickhouse: server error 60 (DB::Exception\\x1b[2J): Table default.\\x1b]0;owned\\x07 "
            "doesn't exist\\nior: forged line\\xc2\\x9b\n");
}

TEST(MessagesTest, UsageErrorsKeepTheHintAndAreEscaped) {
  EXPECT_EQ(fatal_error_text(UsageError("flag -name: \"\x1b[2J\"")),
            "ior: flag -name: \"\\x1b[2J\"\nRun 'ior -help' for the list of flags.\n");
  EXPECT_EQ(fatal_error_text(UsageError("unknown flag -x"), "ior report"),
            "ior: unknown flag -x\nRun 'ior report -help' for the list of flags.\n");
  EXPECT_EQ(message_line("ior: cannot create /tmp/\\x\n"), "ior: cannot create /tmp/\\\\x\\n\n");
}

}  // namespace
}  // namespace ior::cli
