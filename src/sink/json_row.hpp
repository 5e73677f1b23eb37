#pragma once
// One row as one JSON object (the JSON lines output, docs/JSON.md): every
// column of kColumns under its canonical name, in table order; integers as
// JSON numbers, strings as JSON strings, collection_id as its UUID text.

#include <string>

#include "schema/event_row.hpp"

namespace ior::sink {

/// Appends {"timestamp_ns":...,...,"collection_id":"..."} and a '\n'.
/// The row's strings must be valid UTF-8 (sink::TextRow makes them so).
void append_json_row(std::string& out, const schema::EventRow& row);

}  // namespace ior::sink
