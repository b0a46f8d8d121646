#pragma once
// CSV as RFC 4180 has it, the way spreadsheets and card shops write it: records of fields split by
// commas, a field in double quotes may hold commas, line breaks and "" for a quote. One reader and
// one writer for every CSV CardMint takes or gives (price lists, collection exports), so the
// files agree on what a quote means. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cardmint {

struct CsvRecord {
  int line = 0;  // where the record starts in the text, 1-based
  std::vector<std::string> fields;
};

// Every record of `text`. A UTF-8 BOM at the start is skipped (spreadsheets write one); blank
// lines are skipped; CRLF and LF both end a record; spaces and tabs around an unquoted field are
// trimmed, a quoted field is kept as quoted. invalid_input naming the line ("line 7: a quoted
// field is not closed") for a quote that is never closed, a quote inside an unquoted field or
// text after a closing quote.
[[nodiscard]] Result<std::vector<CsvRecord>> read_csv_records(std::string_view text);

// invalid_input "line 7: <what>": how a reader of CSV names the place of a problem.
Status csv_error(int line, std::string_view what);

// `value` as one field: as it is when it holds no comma, quote, line break or edge space (which
// the reader would trim), else in quotes with its quotes doubled.
std::string csv_field(std::string_view value);

// One record: the fields through csv_field(), joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace cardmint
