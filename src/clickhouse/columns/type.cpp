#include "clickhouse/columns/type.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "base/error.hpp"

namespace ior::clickhouse::columns {
namespace {

constexpr int kMaxDepth = 16;

[[noreturn]] void unsupported(std::string_view full, const std::string& why) {
  throw ProtocolError("clickhouse: column type '" + std::string(full) + "': " + why);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits "a, 'b'" at its top-level comma; no supported type has more than two arguments.
std::array<std::string_view, 2> split_args(std::string_view args, std::string_view full) {
  int depth = 0;
  bool quoted = false;
  std::size_t comma = std::string_view::npos;
  for (std::size_t i = 0; i < args.size(); ++i) {
    char c = args[i];
    if (c == '\'' && (i == 0 || args[i - 1] != '\\')) quoted = !quoted;
    if (quoted) continue;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      if (comma != std::string_view::npos) unsupported(full, "too many arguments");
      comma = i;
    }
  }
  if (comma == std::string_view::npos) return {trim(args), {}};
  return {trim(args.substr(0, comma)), trim(args.substr(comma + 1))};
}

std::size_t parse_number(std::string_view s, std::string_view full) {
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) unsupported(full, "bad number '" + std::string(s) + "'");
  return v;
}

std::string unquote(std::string_view s, std::string_view full) {
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') unsupported(full, "expected a quoted time zone");
  return std::string(s.substr(1, s.size() - 2));
}

TypePtr parse(std::string_view text, std::string_view full, int depth) {
  if (depth > kMaxDepth) unsupported(full, "nested too deeply");
  text = trim(text);
  auto t = std::make_shared<Type>();
  t->name = std::string(text);
  std::string_view head = text;
  std::string_view args;
  bool has_args = false;
  if (auto open = text.find('('); open != std::string_view::npos) {
    if (text.back() != ')') unsupported(full, "unbalanced parentheses");
    head = text.substr(0, open);
    args = text.substr(open + 1, text.size() - open - 2);
    has_args = true;
  }
  static constexpr std::pair<std::string_view, TypeKind> kPlain[] = {
      {"UInt8", TypeKind::kUInt8},     {"UInt16", TypeKind::kUInt16},   {"UInt32", TypeKind::kUInt32},
      {"UInt64", TypeKind::kUInt64},   {"Int8", TypeKind::kInt8},       {"Int16", TypeKind::kInt16},
      {"Int32", TypeKind::kInt32},     {"Int64", TypeKind::kInt64},     {"Float32", TypeKind::kFloat32},
      {"Float64", TypeKind::kFloat64}, {"String", TypeKind::kString},   {"UUID", TypeKind::kUuid},
      {"Date", TypeKind::kDate},       {"Date32", TypeKind::kDate32},   {"Bool", TypeKind::kUInt8},
  };
  for (auto [n, k] : kPlain) {
    if (head == n) {
      if (has_args) unsupported(full, "takes no arguments");
      t->kind = k;
      return t;
    }
  }
  if (head == "DateTime") {
    t->kind = TypeKind::kDateTime;
    if (has_args) t->timezone = unquote(trim(args), full);
    return t;
  }
  if (!has_args) unsupported(full, "unsupported type");
  if (head == "FixedString") {
    t->kind = TypeKind::kFixedString;
    t->length = parse_number(trim(args), full);
    if (t->length == 0 || t->length > (1u << 20)) unsupported(full, "FixedString length out of range");
  } else if (head == "DateTime64") {
    t->kind = TypeKind::kDateTime64;
    auto [p, tz] = split_args(args, full);
    t->precision = static_cast<int>(parse_number(p, full));
    if (t->precision > 9) unsupported(full, "precision above 9");
    if (!tz.empty()) t->timezone = unquote(tz, full);
  } else if (head == "Enum8" || head == "Enum16") {
    // Values travel as the underlying integers; the name carries the mapping.
    t->kind = head == "Enum8" ? TypeKind::kEnum8 : TypeKind::kEnum16;
  } else if (head == "Nullable" || head == "Array" || head == "LowCardinality") {
    t->kind = head == "Nullable" ? TypeKind::kNullable
              : head == "Array"  ? TypeKind::kArray
                                 : TypeKind::kLowCardinality;
    t->nested = parse(args, full, depth + 1);
    TypeKind inner = t->nested->kind;
    if (t->kind == TypeKind::kNullable &&
        (inner == TypeKind::kNullable || inner == TypeKind::kArray || inner == TypeKind::kLowCardinality)) {
      unsupported(full, "Nullable of a composite type");
    }
    if (t->kind == TypeKind::kLowCardinality) {
      const Type& value = inner == TypeKind::kNullable ? *t->nested->nested : *t->nested;
      if (value.kind != TypeKind::kString) unsupported(full, "LowCardinality of other than (Nullable) String");
    }
  } else {
    unsupported(full, "unsupported type");
  }
  return t;
}

}  // namespace

TypePtr parse_type(std::string_view name) {
  if (name.size() > 65536) throw ProtocolError("clickhouse: column type name longer than 64 KiB");
  return parse(name, name, 0);
}

}  // namespace ior::clickhouse::columns
