#pragma once
// Test helpers for catalog_test: temporary folders and the real catalog (data/catalog) imported
// once and shared.
//
// gtest_discover_tests runs every test in its own process, so "once per test binary" needs help:
// the imported database lives at CARDMINT_TEST_CATALOG_DB in the build folder and is reused while
// its key (the data files' size and mtime plus this test binary's mtime, so a rebuilt importer
// re-imports) is unchanged. Concurrent test processes may rebuild it at the same time; the
// builder's atomic rename makes that safe.

#include <filesystem>
#include <string>
#include <string_view>

#include "catalog/catalog.h"

namespace cardmint::catalog::testing {

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, std::string_view content);

// The real catalog's database, imported on first use in this build. Aborts the test process with
// a message if the import fails (every test using it would fail anyway).
const std::filesystem::path& real_catalog_db();

// A Catalog opened on real_catalog_db(), once per process.
const Catalog& real_catalog();

}  // namespace cardmint::catalog::testing
