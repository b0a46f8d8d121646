// `cardmint eval` over the checked-in development set (data/devset/README.md): 200 generated
// photos of catalog cards and 10 of an empty table. The floors below sit a few points under the
// accuracy measured when they were set, so a change that loses readings fails here; they are
// regression guards, not the product goal (95% top-1, see the closing notes of issue 3).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// Measured 2026-12-07, eighth session (see data/devset/README.md: top-1 97.0, name 99.5, exact
// printing 95.0 %): the floors are a few points lower.
constexpr double kMinTopOne = 0.94;
constexpr double kMinNameRead = 0.97;
constexpr double kMinExactPrinting = 0.92;
// Wrong answers at or above the confidence users trust: the ones that hurt.
constexpr double kMaxConfidentWrongRate = 0.01;

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `cardmint catalog import` of the project's catalog into `db`, its output to `log`; the exit
// status. Each test case runs in its own process under ctest, so each imports its own.
int import_catalog(const fs::path& db, const fs::path& log) {
  const std::string import = std::string(CARDMINT_CLI_PATH) + " catalog import --from '" +
                             (fs::path(CARDMINT_SOURCE_DIR) / "data/catalog").string() +
                             "' --db '" + db.string() + "' > '" + log.string() + "' 2>&1";
  return std::system(import.c_str());
}

class DevsetAccuracyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("cardmint-devset-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    const fs::path source(CARDMINT_SOURCE_DIR);
    const fs::path db = *dir_ / "catalog.sqlite";
    import_exit_ = import_catalog(db, *dir_ / "import.txt");
    const fs::path devset = source / "data/devset";
    const std::string eval =
        std::string(CARDMINT_CLI_PATH) + " eval '" + devset.string() + "' --manifest '" +
        (devset / "manifest.jsonl").string() + "' --catalog-db '" + db.string() + "' --json > '" +
        (*dir_ / "eval.json").string() + "' 2> '" + (*dir_ / "eval.err").string() + "'";
    eval_exit_ = std::system(eval.c_str());
    report_ = new nlohmann::json(
        nlohmann::json::parse(read_all(*dir_ / "eval.json"), nullptr, /*allow_exceptions=*/false));
  }

  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*dir_, ignored);
    delete dir_;
    delete report_;
  }

  void SetUp() override {
    ASSERT_EQ(import_exit_, 0) << read_all(*dir_ / "import.txt");
    ASSERT_EQ(eval_exit_, 0) << read_all(*dir_ / "eval.err");
    ASSERT_TRUE(report_->is_object()) << read_all(*dir_ / "eval.json");
  }

  static const nlohmann::json& report() { return *report_; }

 private:
  static inline fs::path* dir_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
  static inline int import_exit_ = -1;
  static inline int eval_exit_ = -1;
};

// One test: each test case runs in its own process under ctest, and the evaluation takes ~45 s.
TEST_F(DevsetAccuracyTest, MeetsTheFloors) {
  EXPECT_EQ(report()["n"].get<int>(), 210);
  EXPECT_EQ(report()["with_card"].get<int>(), 200);
  EXPECT_EQ(report()["errors"].get<int>(), 0);
  EXPECT_GE(report()["top1"].get<double>(), kMinTopOne) << report()["failures"].dump(1);
  EXPECT_GE(report()["name_only"].get<double>(), kMinNameRead);
  EXPECT_GE(report()["printing_exact"].get<double>(), kMinExactPrinting);
  EXPECT_LE(report()["confident_wrong_rate"].get<double>(), kMaxConfidentWrongRate)
      << report()["failures"].dump(1);
  // A wrong printing too: the right card in a wrong finish, sure of both.
  EXPECT_LE(report()["confident_wrong_printing_rate"].get<double>(), kMaxConfidentWrongRate)
      << report()["failures"].dump(1);
  // Photos of an empty table answer null.
  EXPECT_EQ(report()["no_card_right"].get<int>(), report()["no_card_photos"].get<int>());
}

// A confidence means what it says: of the answers claiming at least the threshold (0.85), at
// least that share is right, in each bucket from there up that holds enough answers to tell.
TEST_F(DevsetAccuracyTest, ConfidenceIsCalibratedFromTheThresholdUp) {
  const nlohmann::json& buckets = report()["calibration"];
  ASSERT_EQ(buckets.size(), 5u);
  int sure_answers = 0;
  for (const nlohmann::json& b : buckets) {
    const double from = b["from"].get<double>();
    const int answers = b["answers"].get<int>();
    if (from < report()["threshold"].get<double>()) continue;
    sure_answers += answers;
    if (answers < 10) continue;
    EXPECT_GE(b["card_accuracy"].get<double>(), from) << b.dump();
  }
  // Most answers are sure ones: a recognizer that hedged everything would pass the check above.
  // Measured 2026-12-05: 126 of 200 (13 in 0.85-0.95, 113 from 0.95), every one the right card.
  EXPECT_GE(sure_answers, 115) << buckets.dump(1);
}

// `cardmint scan` answers as `cardmint eval` does, photo for photo: one recognizer behind both
// commands, so eval's figures are scan's. On every seventh photo of the set (no-card photos
// among them), copied with their manifest lines to a folder of their own, so that this test
// does not wait for the whole set's evaluation.
TEST(DevsetScanTest, ScanGivesEvalsAnswers) {
  const fs::path devset = fs::path(CARDMINT_SOURCE_DIR) / "data/devset";
  const fs::path dir =
      fs::temp_directory_path() / ("cardmint-devset-scan-" + std::to_string(::getpid()));
  fs::create_directories(dir / "photos");
  const std::string cli = CARDMINT_CLI_PATH;
  const fs::path db = dir / "catalog.sqlite";
  ASSERT_EQ(import_catalog(db, dir / "import.txt"), 0) << read_all(dir / "import.txt");
  std::map<std::string, nlohmann::json> truth;  // file → card id, or null
  std::ifstream manifest(devset / "manifest.jsonl");
  std::ofstream subset(dir / "photos" / "manifest.jsonl");
  int line_number = 0;
  for (std::string line; std::getline(manifest, line); ++line_number) {
    if (line_number % 7 != 0) continue;
    const nlohmann::json entry = nlohmann::json::parse(line);
    const std::string file = entry["file"];
    fs::copy_file(devset / file, dir / "photos" / file);
    subset << line << "\n";
    truth[file] = entry["card_id"];
  }
  subset.close();
  ASSERT_GE(truth.size(), 30u);
  const fs::path eval_out = dir / "eval.json";
  ASSERT_EQ(std::system((cli + " eval '" + (dir / "photos").string() + "' --catalog-db '" +
                         db.string() + "' --json > '" + eval_out.string() + "' 2> /dev/null")
                            .c_str()),
            0);
  const nlohmann::json report = nlohmann::json::parse(read_all(eval_out), nullptr, false);
  ASSERT_TRUE(report.is_object()) << read_all(eval_out);
  ASSERT_EQ(report["n"].get<size_t>(), truth.size());
  // Eval's answer for each photo: the truth, unless it lists the photo as a wrong card.
  std::map<std::string, nlohmann::json> eval_answer = truth;
  for (const nlohmann::json& f : report["failures"]) {
    if (f.contains("got")) eval_answer[f["file"].get<std::string>()] = f["got"];
  }
  std::string scan = cli + " scan";
  for (const auto& [file, id] : truth) scan += " '" + (dir / "photos" / file).string() + "'";
  const fs::path scan_out = dir / "scan.jsonl";
  scan += " --catalog-db '" + db.string() + "' > '" + scan_out.string() + "' 2> /dev/null";
  ASSERT_EQ(std::system(scan.c_str()), 0);
  std::ifstream answers(scan_out);
  size_t seen = 0;
  for (std::string line; std::getline(answers, line); ++seen) {
    const nlohmann::json answer = nlohmann::json::parse(line);
    const std::string file = fs::path(answer["file"].get<std::string>()).filename().string();
    ASSERT_TRUE(eval_answer.count(file)) << file;
    const nlohmann::json got = answer["card"].is_null() ? nlohmann::json() : answer["card"]["id"];
    EXPECT_EQ(got, eval_answer[file]) << file;
  }
  EXPECT_EQ(seen, truth.size());
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace
