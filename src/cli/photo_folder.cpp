#include "cli/photo_folder.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace cardmint::cli {

namespace fs = std::filesystem;

std::vector<fs::path> jpg_files_in(const fs::path& dir) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".jpg") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<FolderPhoto> read_folder_photos(const fs::path& dir) {
  std::vector<FolderPhoto> photos;
  for (const fs::path& path : jpg_files_in(dir)) {
    std::ifstream in(path, std::ios::binary);
    photos.push_back({path.filename().string(), std::string(std::istreambuf_iterator<char>(in),
                                                            std::istreambuf_iterator<char>())});
  }
  return photos;
}

}  // namespace cardmint::cli
