#include "catalog/json_fields.h"

#include <fmt/format.h>

#include <charconv>

namespace cardmint::catalog {

JsonFields::JsonFields(const nlohmann::json& object, std::string where)
    : object_(object), where_(std::move(where)) {
  if (!object_.is_object()) {
    status_ = Status::invalid_input(
        fmt::format("{}: expected a JSON object, got {}", where_, object_.type_name()));
  }
}

const nlohmann::json* JsonFields::member(const char* key) const {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void JsonFields::fail(const char* key, const char* expected, const nlohmann::json& got) {
  if (!status_.ok()) return;  // keep the first error
  status_ = Status::invalid_input(
      fmt::format("{}: field \"{}\": expected {}, got {}", where_, key, expected, got.type_name()));
}

std::string JsonFields::required_string(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || !v->is_string()) {
    fail(key, "a string", v ? *v : nlohmann::json());
    return {};
  }
  return v->get<std::string>();
}

std::optional<std::string> JsonFields::optional_string(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    fail(key, "a string or null", *v);
    return std::nullopt;
  }
  return v->get<std::string>();
}

int JsonFields::required_int(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || !v->is_number_integer()) {
    fail(key, "an integer", v ? *v : nlohmann::json());
    return 0;
  }
  return v->get<int>();
}

std::optional<int> JsonFields::optional_int(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_number_integer()) {
    fail(key, "an integer or null", *v);
    return std::nullopt;
  }
  return v->get<int>();
}

std::optional<int> JsonFields::optional_int_or_numeric_string(const char* key) {
  const nlohmann::json* v = member(key);
  if (v && v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    int value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;  // "None", "?"
    return value;
  }
  return optional_int(key);
}

bool JsonFields::required_bool(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || !v->is_boolean()) {
    fail(key, "true or false", v ? *v : nlohmann::json());
    return false;
  }
  return v->get<bool>();
}

std::vector<std::string> JsonFields::string_array(const char* key) {
  std::vector<std::string> out;
  const nlohmann::json* v = member(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    fail(key, "an array of strings", *v);
    return out;
  }
  for (const nlohmann::json& item : *v) {
    if (!item.is_string()) {
      fail(key, "an array of strings", item);
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::int64_t> JsonFields::int_array(const char* key) {
  std::vector<std::int64_t> out;
  const nlohmann::json* v = member(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    fail(key, "an array of integers", *v);
    return out;
  }
  for (const nlohmann::json& item : *v) {
    if (!item.is_number_integer()) {
      fail(key, "an array of integers", item);
      return {};
    }
    out.push_back(item.get<std::int64_t>());
  }
  return out;
}

const nlohmann::json* JsonFields::optional_object(const char* key) {
  const nlohmann::json* v = member(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) {
    fail(key, "an object", *v);
    return nullptr;
  }
  return v;
}

}  // namespace cardmint::catalog
