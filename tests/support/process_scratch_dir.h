#pragma once
// Test helper: a scratch folder for one test process, removed when the process exits normally.

#include <filesystem>
#include <string_view>

namespace cardmint::testing {

// `<temp dir>/<prefix>-<pid>`, created on first use. Removed by the destructor of a static
// object, after every other static created later: a std::atexit handler registered while the
// folder's own static was being built ran after that static was destroyed, read a dead path and
// removed nothing, so every test process left its folder behind.
const std::filesystem::path& process_scratch_dir(std::string_view prefix);

}  // namespace cardmint::testing
