#pragma once
// Test helper: a whole file as bytes (a child's log, a photo), empty when it cannot be read.

#include <filesystem>
#include <string>

namespace cardmint::testing {

std::string file_contents(const std::filesystem::path& path);

}  // namespace cardmint::testing
