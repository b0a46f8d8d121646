#include "scratch_dir.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

namespace cardmint::fuzz {
namespace fs = std::filesystem;

namespace {

fs::path make_scratch_dir() {
  std::error_code ec;
  const fs::path base =
      fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
  std::string pattern = (base / "cardmint-fuzz-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("cardmint fuzz: mkdtemp");
    std::abort();
  }
  return pattern;
}

}  // namespace

const fs::path& scratch_dir() {
  // Never destroyed, so the exit handler below can still read it after static destructors ran.
  static const fs::path* const dir = [] {
    auto* made = new fs::path(make_scratch_dir());
    // libFuzzer leaves by exit() after -runs or -max_total_time, so this runs then; a crash
    // leaves the folder behind, next to the reproducer it is about.
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(scratch_dir(), ignored);
    });
    return made;
  }();
  return *dir;
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "cardmint fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

}  // namespace cardmint::fuzz
