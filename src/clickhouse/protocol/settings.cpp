#include "clickhouse/protocol/settings.hpp"

#include <charconv>
#include <string_view>

#include "base/error.hpp"
#include "clickhouse/protocol/revisions.hpp"

namespace ior::clickhouse::protocol {
namespace {

// Wire types of the settings ior and its users send, as servers before
// settings-as-strings (18.x) serialize them.
enum class OldType { kUnsigned, kSigned, kBool, kText };

struct OldSetting {
  std::string_view name;
  OldType type;
};

constexpr OldSetting kOldSettings[] = {
    {"allow_experimental_low_cardinality_type", OldType::kBool},
    {"insert_distributed_sync", OldType::kBool},
    {"insert_deduplicate", OldType::kBool},
    {"extremes", OldType::kBool},
    {"max_block_size", OldType::kUnsigned},
    {"max_insert_block_size", OldType::kUnsigned},
    {"max_threads", OldType::kUnsigned},
    {"max_result_rows", OldType::kUnsigned},
    {"max_memory_usage", OldType::kUnsigned},
    {"max_execution_time", OldType::kUnsigned},
    {"network_zstd_compression_level", OldType::kSigned},
    {"network_compression_method", OldType::kText},
    {"send_logs_level", OldType::kText},
    {"distributed_product_mode", OldType::kText},
    {"load_balancing", OldType::kText},
};

std::uint64_t parse_unsigned(const Setting& s) {
  std::string_view v = s.value;
  if (v == "true") return 1;
  if (v == "false") return 0;
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) {
    throw Error("clickhouse: setting " + s.name + " = '" + s.value + "' is not a number");
  }
  return n;
}

std::int64_t parse_signed(const Setting& s) {
  std::int64_t n = 0;
  std::string_view v = s.value;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) {
    throw Error("clickhouse: setting " + s.name + " = '" + s.value + "' is not a number");
  }
  return n;
}

void write_old_setting(wire::WireWriter& out, const Setting& s, std::uint64_t revision) {
  for (const auto& known : kOldSettings) {
    if (known.name != s.name) continue;
    out.string(s.name);
    switch (known.type) {
      case OldType::kUnsigned:
      case OldType::kBool:
        out.varint(parse_unsigned(s));
        return;
      case OldType::kSigned: {
        auto v = parse_signed(s);  // zigzag, as ClickHouse's writeVarInt
        out.varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
        return;
      }
      case OldType::kText:
        out.string(s.value);
        return;
    }
  }
  throw Error("clickhouse: setting " + s.name + " cannot be sent to a server of protocol revision " +
              std::to_string(revision) + " (before " + std::to_string(revision::kSettingsAsStrings) +
              " each setting needs its binary type, and ior does not know this one's)");
}

}  // namespace

void write_settings(wire::WireWriter& out, std::span<const Setting> settings, std::uint64_t revision) {
  std::string& buf = out.buffer();
  std::size_t start = buf.size();
  try {
    for (const auto& s : settings) {
      if (s.name.empty()) throw Error("clickhouse: a setting without a name");
      if (revision >= revision::kSettingsAsStrings) {
        out.string(s.name);
        out.varint(s.important ? 1 : 0);  // flag bit 0: "important"
        out.string(s.value);
      } else {
        write_old_setting(out, s, revision);
      }
    }
  } catch (...) {
    buf.resize(start);
    throw;
  }
  out.string("");
}

}  // namespace ior::clickhouse::protocol
