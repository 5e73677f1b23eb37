#include "parquet/thrift/parquet_types.hpp"

namespace ior::parquet::thrift {
namespace {

std::int32_t i32(auto e) { return static_cast<std::int32_t>(e); }

void write_logical_type(CompactWriter& w, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  w.field_struct_begin(10);  // SchemaElement.logicalType (a union)
  switch (t.kind) {
    case Kind::kString:
      w.field_struct_begin(1);  // StringType {}
      w.struct_end();
      break;
    case Kind::kInteger:
      w.field_struct_begin(10);  // IntType
      w.field_i8(1, t.bit_width);
      w.field_bool(2, t.is_signed);
      w.struct_end();
      break;
    case Kind::kUuid:
      w.field_struct_begin(14);  // UUIDType {}
      w.struct_end();
      break;
    case Kind::kNone:
      break;
  }
  w.struct_end();
}

void write_schema_element(CompactWriter& w, const SchemaElement& e) {
  w.elem_struct_begin();
  if (e.type) w.field_i32(1, i32(*e.type));
  if (e.type_length) w.field_i32(2, *e.type_length);
  if (e.repetition) w.field_i32(3, i32(*e.repetition));
  w.field_binary(4, e.name);
  if (e.num_children) w.field_i32(5, *e.num_children);
  if (e.converted_type) w.field_i32(6, i32(*e.converted_type));
  if (e.logical_type.kind != LogicalType::Kind::kNone) write_logical_type(w, e.logical_type);
  w.struct_end();
}

void write_statistics(CompactWriter& w, const Statistics& s) {
  w.field_struct_begin(12);  // ColumnMetaData.statistics
  w.field_i64(3, s.null_count);
  if (s.has_min_max) {
    w.field_binary(5, s.max_value);
    w.field_binary(6, s.min_value);
  }
  w.struct_end();
}

void write_column_meta(CompactWriter& w, const ColumnMetaData& m) {
  w.field_struct_begin(3);  // ColumnChunk.meta_data
  w.field_i32(1, i32(m.type));
  w.field_list_begin(2, CType::kI32, m.encodings.size());
  for (auto e : m.encodings) w.elem_i32(i32(e));
  w.field_list_begin(3, CType::kBinary, m.path_in_schema.size());
  for (const auto& p : m.path_in_schema) w.elem_binary(p);
  w.field_i32(4, i32(m.codec));
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  write_statistics(w, m.statistics);
  w.struct_end();
}

void write_row_group(CompactWriter& w, const RowGroup& g) {
  w.elem_struct_begin();
  w.field_list_begin(1, CType::kStruct, g.columns.size());
  for (const auto& c : g.columns) {
    w.elem_struct_begin();
    w.field_i64(2, c.file_offset);
    write_column_meta(w, c.meta_data);
    w.struct_end();
  }
  w.field_i64(2, g.total_byte_size);
  w.field_i64(3, g.num_rows);
  w.field_i64(5, g.file_offset);
  w.field_i64(6, g.total_compressed_size);
  w.struct_end();
}

}  // namespace

void write(CompactWriter& w, const FileMetaData& m) {
  w.struct_begin();
  w.field_i32(1, m.version);
  w.field_list_begin(2, CType::kStruct, m.schema.size());
  for (const auto& e : m.schema) write_schema_element(w, e);
  w.field_i64(3, m.num_rows);
  w.field_list_begin(4, CType::kStruct, m.row_groups.size());
  for (const auto& g : m.row_groups) write_row_group(w, g);
  if (!m.key_value_metadata.empty()) {
    w.field_list_begin(5, CType::kStruct, m.key_value_metadata.size());
    for (const auto& kv : m.key_value_metadata) {
      w.elem_struct_begin();
      w.field_binary(1, kv.key);
      w.field_binary(2, kv.value);
      w.struct_end();
    }
  }
  w.field_binary(6, m.created_by);
  // column_orders: TYPE_ORDER for every leaf, declaring that min_value and
  // max_value follow each column's logical type (unsigned for UINT).
  std::size_t leaves = m.schema.empty() ? 0 : m.schema.size() - 1;
  w.field_list_begin(7, CType::kStruct, leaves);
  for (std::size_t i = 0; i < leaves; ++i) {
    w.elem_struct_begin();
    w.field_struct_begin(1);  // TypeDefinedOrder {}
    w.struct_end();
    w.struct_end();
  }
  w.struct_end();
}

void write(CompactWriter& w, const PageHeader& h) {
  w.struct_begin();
  w.field_i32(1, i32(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.type == PageType::kDataPage) {
    w.field_struct_begin(5);  // DataPageHeader
    w.field_i32(1, h.num_values);
    w.field_i32(2, i32(h.encoding));
    w.field_i32(3, i32(Encoding::kRle));  // definition levels (none: REQUIRED)
    w.field_i32(4, i32(Encoding::kRle));  // repetition levels (none: flat)
    w.struct_end();
  } else {
    w.field_struct_begin(7);  // DictionaryPageHeader
    w.field_i32(1, h.num_values);
    w.field_i32(2, i32(Encoding::kPlain));
    w.struct_end();
  }
  w.struct_end();
}

}  // namespace ior::parquet::thrift
