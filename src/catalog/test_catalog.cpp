#include "catalog/test_catalog.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

#include "catalog/catalog_import.h"
#include "catalog/catalog_source.h"

namespace cardmint::catalog::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "cardmint-catalog-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    std::fprintf(stderr, "mkdtemp(%s) failed\n", pattern.c_str());
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

namespace {

std::string cache_key() {
  const fs::path dir = CARDMINT_CATALOG_DIR;
  return file_fingerprint(dir / "sets.jsonl") + " " + file_fingerprint(dir / "cards.jsonl") + " " +
         file_fingerprint(fs::read_symlink("/proc/self/exe"));
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "test catalog: %s\n", message.c_str());
  std::abort();
}

}  // namespace

const fs::path& real_catalog_db() {
  static const fs::path db = [] {
    const fs::path path = CARDMINT_TEST_CATALOG_DB;
    const fs::path key_path = path.string() + ".key";
    const std::string key = cache_key();
    if (fs::exists(path) && read_all(key_path) == key) return path;
    Result<BuildStats> stats = import_catalog({CARDMINT_CATALOG_DIR, path, SourceFormat::kTcgdex});
    if (!stats.ok()) die("import failed: " + stats.status().to_string());
    // The key goes last and by rename: whoever sees the new key also finds the new database.
    const fs::path tmp_key = fmt::format("{}.tmp-{}", key_path.string(), ::getpid());
    write_file(tmp_key, key);
    fs::rename(tmp_key, key_path);
    return path;
  }();
  return db;
}

const Catalog& real_catalog() {
  static const std::unique_ptr<Catalog> catalog = [] {
    Result<std::unique_ptr<Catalog>> opened = Catalog::open({real_catalog_db(), 4});
    if (!opened.ok()) die("open failed: " + opened.status().to_string());
    return std::move(*opened);
  }();
  return *catalog;
}

}  // namespace cardmint::catalog::testing
