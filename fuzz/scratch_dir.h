#pragma once
// A folder of this fuzzing process's own, for harnesses whose parser reads files rather than
// bytes (the catalog readers, the collection's test catalog). In /dev/shm when there is one, so a
// million executions do not wear a disk; removed when the process exits normally. Not
// thread-safe: libFuzzer runs one input at a time per process.

#include <filesystem>
#include <string_view>

namespace cardmint::fuzz {

// Created on first use: "<tmp>/cardmint-fuzz-XXXXXX".
const std::filesystem::path& scratch_dir();

// Writes `content` to `path` whole, replacing it. Aborts on failure: a harness that cannot write
// its input would report the parser's "file missing" as if the input had caused it.
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace cardmint::fuzz
