// cardmintd with no model configured: the README's run command out of the box. /recognize then
// answers from OCR and the catalog alone, on photos of the checked-in development set.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

namespace fs = std::filesystem;

// The manifest's line for `file`: its ground truth.
nlohmann::json manifest_entry(const std::string& file) {
  std::ifstream in(devset_dir() / "manifest.jsonl");
  for (std::string line; std::getline(in, line);) {
    nlohmann::json entry = nlohmann::json::parse(line);
    if (entry["file"] == file) return entry;
  }
  return nullptr;
}

class OcrServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<CardmintdProcess>(std::vector<std::string>{},
                                                 std::map<std::string, std::string>{},
                                                 /*with_model=*/false);
    ASSERT_TRUE(server_->wait_ready(std::chrono::seconds(60))) << server_->log();
  }
  static void TearDownTestSuite() { server_.reset(); }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "cardmintd log:\n" << server_->log();
  }

  static nlohmann::json recognize(const std::string& file) {
    const httplib::Result res = post_multipart(server_->port(), devset_photo(file));
    if (!res || res->status != 200) {
      ADD_FAILURE() << file << ": " << (res ? res->body : httplib::to_string(res.error()));
      return nullptr;
    }
    return nlohmann::json::parse(res->body);
  }

  static std::unique_ptr<CardmintdProcess> server_;
};
std::unique_ptr<CardmintdProcess> OcrServiceTest::server_;

TEST_F(OcrServiceTest, ReadsTheCardFromAPhotoWithoutAModel) {
  const nlohmann::json truth = manifest_entry("0000.jpg");
  ASSERT_TRUE(truth.is_object());
  const nlohmann::json body = recognize("0000.jpg");
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body["source"], "ocr");
  ASSERT_TRUE(body["card"].is_object()) << body.dump();
  EXPECT_EQ(body["card"]["id"], truth["card_id"]) << body.dump();
  EXPECT_FALSE(body["ocr"]["name"].get<std::string>().empty()) << body.dump();
  EXPECT_GT(body["confidence"].get<double>(), 0.0);
}

TEST_F(OcrServiceTest, APhotoWithoutACardIsNullWithAReason) {
  const nlohmann::json truth = manifest_entry("0052.jpg");
  ASSERT_TRUE(truth.is_object());
  ASSERT_TRUE(truth["card_id"].is_null());  // an empty table
  const nlohmann::json body = recognize("0052.jpg");
  ASSERT_TRUE(body.is_object());
  EXPECT_TRUE(body["card"].is_null()) << body.dump();
  EXPECT_FALSE(body["unknown_reason"].get<std::string>().empty()) << body.dump();
  EXPECT_EQ(body["confidence"].get<double>(), 0.0);
}

}  // namespace
}  // namespace cardmint::testing
