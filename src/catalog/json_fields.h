#pragma once
// Typed access to the fields of one JSON object from an import file, without exceptions: each
// getter returns a default on a missing or mistyped field and keeps the first error, worded with
// the file, line and field ("cards.jsonl:12: field \"name\": expected a string, got number").
// Internal to the importers. Not thread-safe; one per object being read.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cardmint::catalog {

class JsonFields {
 public:
  // `where` prefixes every message, e.g. "cards.jsonl:12". REQUIRES: `object` outlives this.
  JsonFields(const nlohmann::json& object, std::string where);

  std::string required_string(const char* key);
  std::optional<std::string> optional_string(const char* key);  // missing or null → nullopt
  int required_int(const char* key);
  std::optional<int> optional_int(const char* key);
  // An integer written as a number or as a decimal string ("120"); other strings → nullopt.
  std::optional<int> optional_int_or_numeric_string(const char* key);
  bool required_bool(const char* key);
  std::vector<std::string> string_array(const char* key);  // missing or null → empty
  std::vector<std::int64_t> int_array(const char* key);    // missing or null → empty
  // The member as JSON when it is an object, else nullptr (a non-object is an error).
  const nlohmann::json* optional_object(const char* key);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  const std::string& where() const { return where_; }

 private:
  const nlohmann::json* member(const char* key) const;  // nullptr when missing
  void fail(const char* key, const char* expected, const nlohmann::json& got);

  const nlohmann::json& object_;
  std::string where_;
  Status status_;
};

}  // namespace cardmint::catalog
