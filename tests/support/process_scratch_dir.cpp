#include "tests/support/process_scratch_dir.h"

#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <system_error>

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;

class ScratchDirs {
 public:
  ~ScratchDirs() {
    for (const auto& [prefix, dir] : dirs_) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }

  const fs::path& get(std::string_view prefix) {
    std::lock_guard lock(mu_);
    auto [it, added] = dirs_.try_emplace(std::string(prefix));
    if (added) {
      it->second = fs::temp_directory_path() / (it->first + "-" + std::to_string(getpid()));
      fs::create_directories(it->second);
    }
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, fs::path> dirs_;  // node-based: references stay valid
};

}  // namespace

const fs::path& process_scratch_dir(std::string_view prefix) {
  static ScratchDirs dirs;
  return dirs.get(prefix);
}

}  // namespace cardmint::testing
