#include "sink/fan_out.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ior::sink {
namespace {

class RecordingSink final : public Sink {
 public:
  explicit RecordingSink(std::vector<std::string>* log, std::string name, bool fail = false)
      : log_(log), name_(std::move(name)), fail_(fail) {}
  void consume(const schema::EventRow& row) override {
    log_->push_back(name_ + ":" + std::string(row.syscall_name));
    ++rows_;
  }
  void flush() override { log_->push_back(name_ + ":flush"); }
  void close() noexcept override { log_->push_back(name_ + ":close"); }
  SinkReport report() const override {
    SinkReport r;
    r.name = name_;
    r.rows_written = rows_;
    r.failed = fail_;
    return r;
  }

 private:
  std::vector<std::string>* log_;
  std::string name_;
  bool fail_;
  std::uint64_t rows_ = 0;
};

TEST(FanOutTest, EveryRowReachesEverySinkInOrder) {
  std::vector<std::string> log;
  FanOut fan;
  EXPECT_TRUE(fan.empty());
  fan.add(std::make_unique<RecordingSink>(&log, "a"));
  fan.add(std::make_unique<RecordingSink>(&log, "b", true));
  schema::EventRow row;
  row.syscall_name = "read";
  fan.consume(row);
  fan.flush();
  fan.close();
  EXPECT_EQ(log, (std::vector<std::string>{"a:read", "b:read", "a:flush", "b:flush", "a:close",
                                           "b:close"}));
  auto reports = fan.reports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].rows_written, 1u);
  EXPECT_EQ(fan.report().rows_written, 2u);
  EXPECT_TRUE(fan.report().failed);
}

}  // namespace
}  // namespace ior::sink
