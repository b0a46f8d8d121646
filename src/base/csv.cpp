#include "base/csv.h"

#include <fmt/format.h>

namespace cardmint {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

Status csv_error(int line, std::string_view what) {
  return Status::invalid_input(fmt::format("line {}: {}", line, what));
}

Result<std::vector<CsvRecord>> read_csv_records(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record{1, {}};
  std::string field;
  bool in_quotes = false;
  bool after_quote = false;  // the field was quoted and its closing quote read
  bool record_started = false;
  int line = 1;
  const auto end_field = [&] {
    record.fields.push_back(after_quote ? std::move(field) : trimmed(field));
    field.clear();
    after_quote = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      if (record_started) {
        end_field();
        records.push_back(std::move(record));
      }
      ++line;
      record = CsvRecord{line, {}};
      record_started = false;
      continue;
    }
    record_started = true;
    if (c == ',') {
      end_field();
    } else if (c == '"') {
      if (after_quote || !trimmed(field).empty()) {
        return csv_error(line, "a quote inside an unquoted field (quote the whole field)");
      }
      field.clear();
      in_quotes = true;
    } else if (after_quote) {
      if (!is_blank(c)) return csv_error(line, "text after a field's closing quote");
    } else {
      field += c;
    }
  }
  if (in_quotes) return csv_error(record.line, "a quoted field is not closed");
  if (record_started) {
    end_field();
    records.push_back(std::move(record));
  }
  return records;
}

std::string csv_field(std::string_view value) {
  const bool plain = value.find_first_of(",\"\r\n") == std::string_view::npos &&
                     (value.empty() || (!is_blank(value.front()) && !is_blank(value.back())));
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
  return out;
}

}  // namespace cardmint
