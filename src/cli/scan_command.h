#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint scan FILE...`: the same JSON as POST /recognize, one object per line, models loaded
// once.
void register_scan_command(CLI::App& app);

}  // namespace cardmint::cli
