#include "service/request_params.h"

#include <fmt/format.h>
#include <httplib.h>

#include <charconv>

namespace cardmint::service {

Result<int> int_param(const httplib::Request& req, const std::string& name, int min, int max,
                      int fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Status::invalid_input(fmt::format("{} '{}' is not {}..{}", name, text, min, max));
  }
  return value;
}

}  // namespace cardmint::service
