#pragma once
// The photos a benchmark uploads: every .jpg of a folder, read whole and sorted by name, so that
// every run of a benchmark sends the same photos in the same order.

#include <filesystem>
#include <string>
#include <vector>

namespace cardmint::cli {

struct FolderPhoto {
  std::string name;   // the file's name, e.g. "0006.jpg"
  std::string bytes;  // the file as it is
};

// The paths of the .jpg files of `dir`, by name; none when it is not a readable folder.
std::vector<std::filesystem::path> jpg_files_in(const std::filesystem::path& dir);

// The .jpg files of `dir` (jpg_files_in), read whole.
std::vector<FolderPhoto> read_folder_photos(const std::filesystem::path& dir);

}  // namespace cardmint::cli
