#include "parquet/reader/metadata.hpp"

#include "base/error.hpp"
#include "parquet/thrift/compact_reader.hpp"

namespace ior::parquet::reader {
namespace {

using thrift::CompactReader;
using thrift::CType;

// Decoded structures may take at most this much memory; each decoded
// element is charged its size (plus its strings' bytes).
constexpr std::size_t kBudgetBytes = std::size_t{256} << 20;

class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : r_(bytes) {}

  FileMeta file_meta() {
    FileMeta m;
    r_.struct_begin();
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      switch (id) {
        case 1: m.version = r_.expect_i32(t, "FileMetaData.version"); break;
        case 2: {
          auto h = r_.expect_list(t, "FileMetaData.schema");
          for (std::size_t i = 0; i < h.size; ++i) {
            charge(sizeof(SchemaNode));
            m.schema.push_back(schema_node(h.elem));
          }
          break;
        }
        case 3: m.num_rows = r_.expect_i64(t, "FileMetaData.num_rows"); break;
        case 4: {
          auto h = r_.expect_list(t, "FileMetaData.row_groups");
          for (std::size_t i = 0; i < h.size; ++i) {
            charge(sizeof(RowGroupMeta));
            m.row_groups.push_back(row_group(h.elem));
          }
          break;
        }
        case 5: {
          auto h = r_.expect_list(t, "FileMetaData.key_value_metadata");
          for (std::size_t i = 0; i < h.size; ++i) m.key_value.push_back(key_value(h.elem));
          break;
        }
        case 6: m.created_by = text(r_.expect_binary(t, "FileMetaData.created_by")); break;
        case 8: m.encrypted = true; r_.skip(t); break;
        default: r_.skip(t);
      }
    }
    return m;
  }

  PageHeaderMeta page_header() {
    PageHeaderMeta p;
    r_.struct_begin();
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      switch (id) {
        case 1: p.type = r_.expect_i32(t, "PageHeader.type"); break;
        case 2: p.uncompressed_size = r_.expect_i32(t, "PageHeader.uncompressed_page_size"); break;
        case 3: p.compressed_size = r_.expect_i32(t, "PageHeader.compressed_page_size"); break;
        case 5:  // DataPageHeader
        case 7:  // DictionaryPageHeader
        case 8:  // DataPageHeaderV2
          page_kind_header(t, id, p);
          break;
        default: r_.skip(t);
      }
    }
    return p;
  }

  std::size_t position() const { return r_.position(); }

 private:
  void charge(std::size_t n) {
    used_ += n;
    if (used_ > kBudgetBytes) throw FormatError("thrift: the footer describes more than 256 MiB of structures");
  }

  std::string text(std::string_view v) {
    charge(v.size());
    return std::string(v);
  }

  void page_kind_header(CType t, std::int16_t kind, PageHeaderMeta& p) {
    r_.expect_struct(t, "page header");
    std::int16_t id;
    CType ft;
    while (r_.next_field(id, ft)) {
      if (id == 1) {
        p.num_values = r_.expect_i32(ft, "page num_values");
      } else if ((kind == 5 && id == 2) || (kind == 7 && id == 2) || (kind == 8 && id == 4)) {
        p.encoding = r_.expect_i32(ft, "page encoding");
      } else if (kind == 5 && id == 3) {
        p.definition_encoding = r_.expect_i32(ft, "page definition level encoding");
      } else if (kind == 5 && id == 4) {
        p.repetition_encoding = r_.expect_i32(ft, "page repetition level encoding");
      } else {
        r_.skip(ft);
      }
    }
  }

  SchemaNode schema_node(CType elem) {
    r_.expect_struct(elem, "SchemaElement");
    SchemaNode n;
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      switch (id) {
        case 1: n.type = r_.expect_i32(t, "SchemaElement.type"); break;
        case 2: n.type_length = r_.expect_i32(t, "SchemaElement.type_length"); break;
        case 3: n.repetition = r_.expect_i32(t, "SchemaElement.repetition_type"); break;
        case 4: n.name = text(r_.expect_binary(t, "SchemaElement.name")); break;
        case 5: n.num_children = r_.expect_i32(t, "SchemaElement.num_children"); break;
        case 6: n.converted_type = r_.expect_i32(t, "SchemaElement.converted_type"); break;
        case 10: {
          // LogicalType is a union: the id of its one field says which.
          r_.expect_struct(t, "SchemaElement.logicalType");
          std::int16_t lid;
          CType lt;
          while (r_.next_field(lid, lt)) {
            n.logical = lid;
            r_.skip(lt);
          }
          break;
        }
        default: r_.skip(t);
      }
    }
    return n;
  }

  RowGroupMeta row_group(CType elem) {
    r_.expect_struct(elem, "RowGroup");
    RowGroupMeta g;
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      if (id == 1) {
        auto h = r_.expect_list(t, "RowGroup.columns");
        for (std::size_t i = 0; i < h.size; ++i) {
          charge(sizeof(ChunkMeta));
          g.columns.push_back(column_chunk(h.elem));
        }
      } else if (id == 3) {
        g.num_rows = r_.expect_i64(t, "RowGroup.num_rows");
      } else {
        r_.skip(t);
      }
    }
    return g;
  }

  ChunkMeta column_chunk(CType elem) {
    r_.expect_struct(elem, "ColumnChunk");
    ChunkMeta c;
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      switch (id) {
        case 1: c.external = true; r_.skip(t); break;
        case 3: column_meta(t, c); break;
        case 8: c.encrypted = true; r_.skip(t); break;
        default: r_.skip(t);
      }
    }
    return c;
  }

  void column_meta(CType t, ChunkMeta& c) {
    r_.expect_struct(t, "ColumnMetaData");
    std::int16_t id;
    CType ft;
    while (r_.next_field(id, ft)) {
      switch (id) {
        case 1: c.type = r_.expect_i32(ft, "ColumnMetaData.type"); break;
        case 2: {
          auto h = r_.expect_list(ft, "ColumnMetaData.encodings");
          for (std::size_t i = 0; i < h.size; ++i) {
            charge(sizeof(std::int32_t));
            c.encodings.push_back(r_.expect_i32(h.elem, "encoding"));
          }
          break;
        }
        case 3: {
          auto h = r_.expect_list(ft, "ColumnMetaData.path_in_schema");
          for (std::size_t i = 0; i < h.size; ++i) {
            if (i != 0) c.path += '.';
            std::string_view part = r_.expect_binary(h.elem, "path_in_schema");
            charge(part.size() + 1);
            c.path += part;
          }
          break;
        }
        case 4: c.codec = r_.expect_i32(ft, "ColumnMetaData.codec"); break;
        case 5: c.num_values = r_.expect_i64(ft, "ColumnMetaData.num_values"); break;
        case 7: c.total_compressed_size = r_.expect_i64(ft, "ColumnMetaData.total_compressed_size"); break;
        case 9: c.data_page_offset = r_.expect_i64(ft, "ColumnMetaData.data_page_offset"); break;
        case 11: c.dictionary_page_offset = r_.expect_i64(ft, "ColumnMetaData.dictionary_page_offset"); break;
        case 12: statistics(ft, c.stats); break;
        default: r_.skip(ft);
      }
    }
  }

  void statistics(CType t, ChunkStats& s) {
    r_.expect_struct(t, "Statistics");
    std::int16_t id;
    CType ft;
    bool has_min = false, has_max = false;
    while (r_.next_field(id, ft)) {
      switch (id) {
        case 3: s.null_count = r_.expect_i64(ft, "Statistics.null_count"); break;
        case 5: s.max_value = text(r_.expect_binary(ft, "Statistics.max_value")); has_max = true; break;
        case 6: s.min_value = text(r_.expect_binary(ft, "Statistics.min_value")); has_min = true; break;
        default: r_.skip(ft);  // legacy min/max: signed order only, not used
      }
    }
    s.has_min_max = has_min && has_max;
  }

  std::pair<std::string, std::string> key_value(CType elem) {
    r_.expect_struct(elem, "KeyValue");
    std::pair<std::string, std::string> kv;
    std::int16_t id;
    CType t;
    while (r_.next_field(id, t)) {
      if (id == 1) {
        kv.first = text(r_.expect_binary(t, "KeyValue.key"));
      } else if (id == 2) {
        kv.second = text(r_.expect_binary(t, "KeyValue.value"));
      } else {
        r_.skip(t);
      }
    }
    charge(sizeof kv);
    return kv;
  }

  CompactReader r_;
  std::size_t used_ = 0;
};

}  // namespace

FileMeta decode_file_meta(std::string_view bytes) { return Decoder(bytes).file_meta(); }

PageHeaderMeta decode_page_header(std::string_view bytes, std::size_t* consumed) {
  Decoder d(bytes);
  PageHeaderMeta p = d.page_header();
  *consumed = d.position();
  return p;
}

std::string codec_name(std::int32_t codec) {
  static constexpr const char* kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return kNames[codec];
  return "codec " + std::to_string(codec);
}

std::string encoding_name(std::int32_t e) {
  static constexpr const char* kNames[] = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
                                           "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY",
                                           "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  if (e >= 0 && e < 10) return kNames[e];
  return "encoding " + std::to_string(e);
}

std::string type_name(std::int32_t t) {
  static constexpr const char* kNames[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
                                           "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  if (t >= 0 && t < 8) return kNames[t];
  return "type " + std::to_string(t);
}

}  // namespace ior::parquet::reader
