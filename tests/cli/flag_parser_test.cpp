#include "cli/flag_parser.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "cli/options.hpp"
#include "cli/report_time.hpp"

namespace ior::cli {
namespace {

Options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "ior");
  return parse_options(static_cast<int>(args.size()), args.data());
}

std::string usage_error(std::vector<const char*> args) {
  try {
    parse(std::move(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(OptionsTest, DefaultsMatchTheGoTool) {
  auto o = parse({});
  EXPECT_EQ(o.duration_ms, 60'000u);
  EXPECT_EQ(o.pid, 0u);
  EXPECT_EQ(o.str_max, 4095u);
}

TEST(OptionsTest, SingleAndDoubleDashAndEqualsForms) {
  auto o = parse({"-duration", "10", "--pid=42", "-comm=cat", "--tps", "read,write", "-quiet"});
  EXPECT_EQ(o.duration_ms, 10'000u);
  EXPECT_EQ(o.pid, 42u);
  EXPECT_EQ(o.comm, "cat");
  EXPECT_EQ(o.tps, "read,write");
  EXPECT_TRUE(o.quiet);
}

TEST(OptionsTest, DurationsAndSizesTakeUnits) {
  EXPECT_EQ(parse({"-duration", "250ms"}).duration_ms, 250u);
  EXPECT_EQ(parse({"-duration", "2m"}).duration_ms, 120'000u);
  EXPECT_EQ(parse({"-mapSize", "64K"}).map_size, 65536u);
  EXPECT_EQ(parse({"-mapSize", "1M"}).map_size, 1u << 20);
}

TEST(OptionsTest, MinDurationNeedsItsUnitAndErrorsIsABool) {
  EXPECT_EQ(parse({}).min_duration_ns, 0u);
  EXPECT_FALSE(parse({}).errors);
  EXPECT_EQ(parse({"-min-duration", "500us"}).min_duration_ns, 500'000u);
  EXPECT_EQ(parse({"-min-duration", "10ms"}).min_duration_ns, 10'000'000u);
  EXPECT_EQ(parse({"-min-duration=2s"}).min_duration_ns, 2'000'000'000u);
  EXPECT_EQ(parse({"-min-duration", "750ns"}).min_duration_ns, 750u);
  EXPECT_EQ(parse({"-min-duration", "1m"}).min_duration_ns, 60'000'000'000u);
  EXPECT_EQ(parse({"-min-duration", "0"}).min_duration_ns, 0u);
  EXPECT_TRUE(parse({"-errors"}).errors);
  EXPECT_NE(usage_error({"-min-duration", "10"}).find("with its unit"), std::string::npos);
  EXPECT_NE(usage_error({"-min-duration", "10x"}).find("-min-duration"), std::string::npos);
  EXPECT_NE(usage_error({"-min-duration", "-1ms"}).find("-min-duration"), std::string::npos);
  EXPECT_NE(usage_error({"-min-duration", "99999999999h"}).find("too large"), std::string::npos);
}

// Durations end up on 64-bit nanosecond clocks: values that wrapped there
// (9223372037 s stopped tracing after 0.1 s) are refused, naming the flag.
TEST(OptionsTest, DurationsPastOneHundredYearsAreRefused) {
  for (const char* d : {"9223372037", "2562048h", "18446744073", "876001h"}) {
    EXPECT_NE(usage_error({"-duration", d}).find("flag -duration: too large (at most 876000h"), std::string::npos)
        << d;
  }
  EXPECT_EQ(parse({"-duration", "876000h"}).duration_ms, 876'000ull * 3'600'000);
  EXPECT_NE(usage_error({"-min-duration", "5124095h"}).find("-min-duration: too large"), std::string::npos);
  EXPECT_NE(usage_error({"-min-duration", "18446744073s"}).find("-min-duration: too large"), std::string::npos);
  EXPECT_EQ(parse({"-min-duration", "876000h"}).min_duration_ns, 876'000ull * 3'600'000'000'000);
  EXPECT_NE(usage_error({"-live", "-live-interval", "9223372037"}).find("-live-interval: too large"),
            std::string::npos);
}

// Flags of an output given without it were ignored without a word.
TEST(OptionsTest, AnOutputsFlagsNeedTheOutput) {
  EXPECT_EQ(usage_error({"-fields", "comm"}), "flag -fields needs -flamegraph or -live");
  EXPECT_EQ(usage_error({"-count", "bytes"}), "flag -count needs -flamegraph or -live");
  EXPECT_EQ(usage_error({"-flamegraph-max-stacks", "5"}), "flag -flamegraph-max-stacks needs -flamegraph");
  EXPECT_EQ(usage_error({"-live-interval", "2s"}), "flag -live-interval needs -live");
  EXPECT_EQ(parse({"-live", "-fields", "comm", "-count", "bytes"}).fields, "comm");
  EXPECT_EQ(usage_error({"-live", "-count", "durationToPrev"}),
            "flag -count: durationToPrev is not drawn by -live (count, duration, bytes; or add -flamegraph)");
  EXPECT_EQ(parse({"-live", "-flamegraph", "-count", "durationToPrev"}).count, "durationToPrev");
  EXPECT_EQ(parse({"-flamegraph", "-flamegraph-max-stacks", "5"}).flamegraph_max_stacks, 5u);
}

// The user gave -tid and a command, not -follow (the command implies it).
TEST(OptionsTest, TidWithACommandNamesWhatWasGiven) {
  EXPECT_EQ(usage_error({"-tid", "1", "--", "true"}).rfind("flag -tid: not with a command after --", 0), 0u);
  EXPECT_EQ(usage_error({"-tid", "1", "-pid", "1", "-follow"}).rfind("flag -follow: not with -tid", 0), 0u);
}

TEST(ReportTimeTest, TimesPastWhatTimestampsHoldAreRefused) {
  auto error = [](const char* flag, const char* text) -> std::string {
    try {
      parse_report_time(flag, text);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error("since", "5124095h").find("flag -since: too large"), std::string::npos);
  EXPECT_NE(error("until", "18446744073s").find("flag -until: too large"), std::string::npos);
  EXPECT_NE(error("since", "9999-01-01T00:00:00Z").find("flag -since: \"9999-01-01T00:00:00Z\" is past 2554"),
            std::string::npos);
  EXPECT_EQ(parse_report_time("until", "2554-07-21T23:34:32Z").value_ns, 18'446'744'072'000'000'000ull);
  EXPECT_EQ(parse_report_time("until", "876000h").value_ns, 876'000ull * 3'600'000'000'000);
}

TEST(OptionsTest, ErrorsNameTheFlag) {
  EXPECT_EQ(usage_error({"-bogus"}), "unknown flag -bogus");
  EXPECT_NE(usage_error({"-duration", "abc"}).find("-duration"), std::string::npos);
  EXPECT_NE(usage_error({"-pid", "-3"}).find("-pid"), std::string::npos);
  EXPECT_NE(usage_error({"-strMax", "0"}).find("between 1 and 4095"), std::string::npos);
  EXPECT_NE(usage_error({"-mapSize", "12X"}).find("-mapSize"), std::string::npos);
  EXPECT_EQ(usage_error({"-pid"}), "flag -pid needs a value");
  EXPECT_NE(usage_error({"-duration", "0"}).find("greater than 0"), std::string::npos);
  EXPECT_NE(usage_error({"stray"}).find("unexpected argument"), std::string::npos);
  EXPECT_NE(usage_error({"-quiet=maybe"}).find("-quiet"), std::string::npos);
}

TEST(OptionsTest, UsageListsEveryFlag) {
  auto text = usage_text();
  for (const char* f : {"-duration", "-pid", "-tid", "-comm", "-path", "-tps", "-tpsExclude",
                        "-mapSize", "-strMax"}) {
    EXPECT_NE(text.find(f), std::string::npos) << f;
  }
}

TEST(OptionsTest, TheRecordedCommandLineHidesThePasswordInEveryForm) {
  auto o = parse({"-clickhouse", "-ch-password", "s3cret", "-ch-user", "u", "--ch-password=s3cret", "-ch-password=",
                  "-quiet", "--ch-password", "-s3cret"});
  EXPECT_EQ(o.ch_password, "-s3cret");  // the last one wins
  std::vector<std::string> want{"ior",    "-clickhouse",   "-ch-password",          "<redacted>",
                                "-ch-user", "u",           "--ch-password=<redacted>", "-ch-password=<redacted>",
                                "-quiet", "--ch-password", "<redacted>"};
  EXPECT_EQ(o.argv, want);
  // Nothing else is touched, also a value that happens to equal the password.
  o = parse({"-clickhouse", "-name", "s3cret", "-ch-password-file", "/run/pw"});
  EXPECT_EQ(o.argv,
            (std::vector<std::string>{"ior", "-clickhouse", "-name", "s3cret", "-ch-password-file", "/run/pw"}));
}

}  // namespace
}  // namespace ior::cli
