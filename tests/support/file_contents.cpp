#include "tests/support/file_contents.h"

#include <fstream>
#include <sstream>

namespace cardmint::testing {

std::string file_contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace cardmint::testing
