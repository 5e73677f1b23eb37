// The text exposition format as ior writes it: HELP and TYPE lines, the
// escaping of label values and HELP text, values, names refused.
#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace ior::metrics {
namespace {

TEST(ExpositionTest, FamilyIsHelpTypeThenOneLinePerSample) {
  Family f{"ior_sink_rows_written_total", "rows stored", MetricType::kCounter, {}};
  f.samples.push_back({{{"sink", "parquet"}}, 12});
  f.samples.push_back({{{"sink", "console"}, {"reason", "x"}}, 0});
  Family g{"ior_uptime_seconds", "seconds", MetricType::kGauge, {{{}, 1.5}}};
  EXPECT_EQ(format_families({f, g}),
            "# HELP ior_sink_rows_written_total rows stored\n"
            "# TYPE ior_sink_rows_written_total counter\n"
            "ior_sink_rows_written_total{sink=\"parquet\"} 12\n"
            "ior_sink_rows_written_total{sink=\"console\",reason=\"x\"} 0\n"
            "# HELP ior_uptime_seconds seconds\n"
            "# TYPE ior_uptime_seconds gauge\n"
            "ior_uptime_seconds 1.5\n");
}

TEST(ExpositionTest, FamilyWithoutSamplesIsLeftOut) {
  Family empty{"ior_last_error_info", "none now", MetricType::kGauge, {}};
  Family one{"ior_up", "x", MetricType::kGauge, {{{}, 1}}};
  EXPECT_EQ(format_families({empty, one}), "# HELP ior_up x\n# TYPE ior_up gauge\nior_up 1\n");
}

TEST(ExpositionTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("tab\tstays"), "tab\tstays");
  Family f{"ior_last_error_info", "e", MetricType::kGauge, {{{{"error", "say \"hi\"\\\nbye"}}, 1}}};
  EXPECT_EQ(format_families({f}),
            "# HELP ior_last_error_info e\n# TYPE ior_last_error_info gauge\n"
            "ior_last_error_info{error=\"say \\\"hi\\\"\\\\\\nbye\"} 1\n");
}

TEST(ExpositionTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escape_help("a\\b\nc \"d\""), "a\\\\b\\nc \"d\"");
  Family f{"ior_x", "two\nlines", MetricType::kGauge, {{{}, 0}}};
  EXPECT_EQ(format_families({f}).substr(0, 25), "# HELP ior_x two\\nlines\n#");
}

TEST(ExpositionTest, LabelTextIsValidUtf8OnOneLineAndBounded) {
  // A server's message can hold anything: controls, a forged line, bytes
  // that are not UTF-8.
  const std::string hostile = std::string("bad\x1b[2J\nior_up 0\r\xff\xfe end") + "\xc3\xa9";
  const std::string v = label_text(hostile);
  EXPECT_EQ(v, "bad\\x1b[2J\\nior_up 0\\r\\xff\\xfe end\xc3\xa9");
  EXPECT_EQ(v.find('\n'), std::string::npos);
  const std::string long_text(2000, 'x');
  EXPECT_EQ(label_text(long_text, 100), std::string(100, 'x') + "...");
  // A cut inside a UTF-8 character leaves its first byte, escaped.
  EXPECT_EQ(label_text("ab\xc3\xa9", 3), "ab\\xc3...");
}

TEST(ExpositionTest, ValuesAreExactIntegersOrShortestFloats) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(18446744073709551615.0), "18446744073709551616") << "2^64: beyond exact, still a number";
  EXPECT_EQ(format_value(1e300), "1e+300");
  EXPECT_EQ(format_value(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(12.345), "12.345");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(ExpositionTest, InvalidNamesAreRefused) {
  EXPECT_TRUE(valid_metric_name("ior_x:y_total"));
  EXPECT_FALSE(valid_metric_name("9x"));
  EXPECT_FALSE(valid_metric_name("ior-x"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_TRUE(valid_label_name("sink"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_THROW(format_families({{"bad-name", "", MetricType::kGauge, {{{}, 1}}}}), std::invalid_argument);
  EXPECT_THROW(format_families({{"ior_x", "", MetricType::kGauge, {{{{"le-x", "1"}}, 1}}}}), std::invalid_argument);
  EXPECT_THROW(format_families({{"ior_x", "", MetricType::kGauge, {{{{"__name__", "1"}}, 1}}}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace ior::metrics
