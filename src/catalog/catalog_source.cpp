#include "catalog/catalog_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace cardmint::catalog {

bool is_promo_set_name(std::string_view set_name) {
  std::string lower(set_name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("promo") != std::string::npos;
}

std::string file_fingerprint(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return fmt::format("{}:missing", file.filename().string());
  const auto mtime = std::filesystem::last_write_time(file, ec);
  return fmt::format("{}:{}:{}", file.filename().string(), size,
                     ec ? 0 : static_cast<long long>(mtime.time_since_epoch().count()));
}

}  // namespace cardmint::catalog
