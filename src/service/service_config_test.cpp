#include "service/service_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace cardmint::service {
namespace {

// Parses `flags` (without argv[0]) against a fake environment.
Result<ServiceConfig> parse(std::vector<std::string> flags,
                            std::map<std::string, std::string> env) {
  std::vector<const char*> argv = {"cardmintd"};
  for (const std::string& f : flags) argv.push_back(f.c_str());
  return parse_service_config(static_cast<int>(argv.size()), argv.data(),
                              [&env](std::string_view name) -> std::optional<std::string> {
                                auto it = env.find(std::string(name));
                                if (it == env.end()) return std::nullopt;
                                return it->second;
                              });
}

const std::map<std::string, std::string> kModelsEnv = {{"MODEL_PATH", "/m/text.gguf"},
                                                       {"MMPROJ_PATH", "/m/mmproj.gguf"}};

std::map<std::string, std::string> models_env_plus(std::map<std::string, std::string> more) {
  more.insert(kModelsEnv.begin(), kModelsEnv.end());
  return more;
}

TEST(ServiceConfigTest, DefaultsApplyWhenNeitherFlagNorEnvIsSet) {
  Result<ServiceConfig> c = parse({}, kModelsEnv);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->max_upload_bytes, 20u << 20);
  EXPECT_EQ(c->num_threads, 2);
  EXPECT_EQ(c->queue_capacity, 32);
  EXPECT_GE(c->http_threads, 16);
  EXPECT_EQ(c->model_label, "vlm-256m");
  EXPECT_EQ(c->tiling, vlm::TilingPlan::kSingleTile);
  EXPECT_FALSE(c->progressive_mode);
  EXPECT_TRUE(c->constrain_output);
  EXPECT_EQ(c->max_new_tokens, 160);
  EXPECT_EQ(c->load_delay_ms_for_test, 0);
  EXPECT_EQ(c->model_path, "/m/text.gguf");
  EXPECT_EQ(c->mmproj_path, "/m/mmproj.gguf");
}

TEST(ServiceConfigTest, EnvOverridesDefaults) {
  Result<ServiceConfig> c =
      parse({}, models_env_plus({{"PORT", "9001"},
                                 {"HOST", "0.0.0.0"},
                                 {"NUM_THREADS", "4"},
                                 {"CACHE_SIZE", "0"},
                                 {"BATCH_SIZE", "8"},
                                 {"PROGRESSIVE_MODE", "true"},
                                 {"MAX_UPLOAD_BYTES", "1000"},
                                 {"QUEUE_CAPACITY", "3"},
                                 {"HTTP_THREADS", "20"},
                                 {"MODEL_LABEL", "vlm-500m"},
                                 {"TILING", "smolvlm"},
                                 {"MAX_NEW_TOKENS", "64"},
                                 {"CONSTRAIN_OUTPUT", "no"},
                                 {"CARDMINT_LOAD_DELAY_MS_FOR_TEST", "1500"}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->port, 9001);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->num_threads, 4);
  EXPECT_EQ(c->cache_size, 0);
  EXPECT_EQ(c->batch_size, 8);
  EXPECT_TRUE(c->progressive_mode);
  EXPECT_EQ(c->max_upload_bytes, 1000u);
  EXPECT_EQ(c->queue_capacity, 3);
  EXPECT_EQ(c->http_threads, 20);
  EXPECT_EQ(c->model_label, "vlm-500m");
  EXPECT_EQ(c->tiling, vlm::TilingPlan::kSmolVlmDefault);
  EXPECT_EQ(c->max_new_tokens, 64);
  EXPECT_FALSE(c->constrain_output);
  EXPECT_EQ(c->load_delay_ms_for_test, 1500);
}

TEST(ServiceConfigTest, FlagsOverrideEnv) {
  Result<ServiceConfig> c =
      parse({"--port", "0", "--threads", "3", "--model", "/flag/text.gguf", "--model-label",
             "from-flag", "--progressive-mode", "off", "--max-upload-bytes", "100000"},
            models_env_plus({{"PORT", "9001"},
                             {"NUM_THREADS", "4"},
                             {"MODEL_LABEL", "from-env"},
                             {"PROGRESSIVE_MODE", "1"},
                             {"MAX_UPLOAD_BYTES", "5"}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->port, 0);
  EXPECT_EQ(c->num_threads, 3);
  EXPECT_EQ(c->model_path, "/flag/text.gguf");
  EXPECT_EQ(c->mmproj_path, "/m/mmproj.gguf");  // no flag: the variable still applies
  EXPECT_EQ(c->model_label, "from-flag");
  EXPECT_FALSE(c->progressive_mode);
  EXPECT_EQ(c->max_upload_bytes, 100000u);
}

TEST(ServiceConfigTest, AnEmptyVariableCountsAsUnset) {
  Result<ServiceConfig> c = parse({}, models_env_plus({{"PORT", ""}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->port, 8080);
}

TEST(ServiceConfigTest, PortThatIsNotANumberIsAnError) {
  Result<ServiceConfig> c = parse({}, models_env_plus({{"PORT", "http"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(c.status().message().find("PORT"), std::string::npos) << c.status().message();

  Result<ServiceConfig> trailing = parse({"--port", "80x"}, kModelsEnv);
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("--port"), std::string::npos);
}

TEST(ServiceConfigTest, OutOfRangeValuesAreErrors) {
  Result<ServiceConfig> zero_threads = parse({}, models_env_plus({{"NUM_THREADS", "0"}}));
  ASSERT_FALSE(zero_threads.ok());
  EXPECT_NE(zero_threads.status().message().find("NUM_THREADS"), std::string::npos);

  EXPECT_FALSE(parse({"--port", "65536"}, kModelsEnv).ok());
  EXPECT_FALSE(parse({"--port", "-1"}, kModelsEnv).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"QUEUE_CAPACITY", "0"}})).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"HTTP_THREADS", "0"}})).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"MAX_STREAMS", "0"}})).ok());
  EXPECT_EQ(parse({"--max-streams", "3"}, kModelsEnv)->max_streams, 3);
  EXPECT_FALSE(parse({}, models_env_plus({{"MAX_UPLOAD_BYTES", "0"}})).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"BATCH_SIZE", "0"}})).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"CACHE_SIZE", "-5"}})).ok());
}

TEST(ServiceConfigTest, MalformedChoicesAreErrors) {
  EXPECT_FALSE(parse({}, models_env_plus({{"TILING", "quad"}})).ok());
  EXPECT_FALSE(parse({}, models_env_plus({{"PROGRESSIVE_MODE", "maybe"}})).ok());
  EXPECT_FALSE(parse({"--log-level", "loud"}, kModelsEnv).ok());
  EXPECT_FALSE(parse({"--no-such-flag", "1"}, kModelsEnv).ok());
}

TEST(ServiceConfigTest, ModelPathsGoTogetherOrNotAtAll) {
  Result<ServiceConfig> c = parse({}, {{"MMPROJ_PATH", "/m/mmproj.gguf"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("MODEL_PATH"), std::string::npos);
  EXPECT_FALSE(parse({}, {{"MODEL_PATH", "/m/text.gguf"}}).ok());
  Result<ServiceConfig> ocr_only = parse({}, {});
  ASSERT_TRUE(ocr_only.ok()) << ocr_only.status().to_string();
  EXPECT_TRUE(to_recognizer_options(*ocr_only).models.empty());
  EXPECT_EQ(to_recognizer_options(*parse({}, kModelsEnv)).models.size(), 1u);
  EXPECT_FALSE(parse({}, {{"ACCURATE_MODEL_PATH", "/m/500m.gguf"}}).ok());
}

TEST(ServiceConfigTest, TheAccurateModelComesLastAndTheCascadeSettingsReachTheRecognizer) {
  auto env = kModelsEnv;
  env["ACCURATE_MODEL_PATH"] = "/m/500m.gguf";
  env["ACCURATE_MMPROJ_PATH"] = "/m/500m-mmproj.gguf";
  env["ESCALATE_BELOW"] = "0.9";
  env["SCAN_MODE"] = "bulk_inventory";
  Result<ServiceConfig> c =
      parse({"--batch-size", "4", "--batch-timeout-ms", "20", "--cpu-threads", "3"}, env);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  const recognize::RecognizerOptions o = to_recognizer_options(*c);
  ASSERT_EQ(o.models.size(), 2u);
  EXPECT_EQ(o.models[0].vlm.label, "vlm-256m");
  EXPECT_FALSE(o.models[0].accurate);
  EXPECT_EQ(o.models[1].vlm.label, "vlm-500m");
  EXPECT_EQ(o.models[1].vlm.model_path, "/m/500m.gguf");
  EXPECT_TRUE(o.models[1].accurate);
  EXPECT_DOUBLE_EQ(o.escalation.escalate_below, 0.9);
  EXPECT_EQ(o.default_mode, recognize::ScanMode::kBulkInventory);
  EXPECT_EQ(o.batch_size, 4);
  EXPECT_EQ(o.batch_timeout_ms, 20);
  EXPECT_EQ(o.cpu_threads, 3);

  EXPECT_FALSE(parse({"--escalate-below", "1.5"}, kModelsEnv).ok());
  EXPECT_FALSE(parse({"--escalate-below", "high"}, kModelsEnv).ok());
  EXPECT_FALSE(parse({"--mode", "turbo"}, kModelsEnv).ok());
  env["ACCURATE_MODEL_LABEL"] = "vlm-256m";  // two sources with one name
  EXPECT_FALSE(parse({}, env).ok());
}

TEST(ServiceConfigTest, PricesAreOffUntilASourceIsNamedAndTheShopListIsAskedFirst) {
  Result<ServiceConfig> off = parse({}, {});
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(to_price_sources(*off).empty());
  EXPECT_EQ(off->price_budget_ms, 150);

  Result<ServiceConfig> c =
      parse({"--price-budget-ms", "40"}, {{"PRICE_PROVIDER", "pokemontcg"},
                                          {"PRICE_API_URL", "http://127.0.0.1:9/api"},
                                          {"PRICE_API_KEY", "k"},
                                          {"PRICE_CSV_DB", "/shop/prices.sqlite"},
                                          {"PRICE_TIMEOUT_MS", "700"},
                                          {"PRICE_TTL_S", "60"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->price_budget_ms, 40);
  EXPECT_EQ(c->price_ttl_s, 60);
  const std::vector<price::PriceSourceSettings> sources = to_price_sources(*c);
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].provider, "csv");
  EXPECT_EQ(sources[0].book, "/shop/prices.sqlite");
  EXPECT_EQ(sources[1].provider, "pokemontcg");
  EXPECT_EQ(sources[1].api.base_url, "http://127.0.0.1:9/api");
  EXPECT_EQ(sources[1].api.api_key, "k");
  EXPECT_EQ(sources[1].api.request_timeout, std::chrono::milliseconds(700));

  EXPECT_FALSE(parse({}, {{"PRICE_PROVIDER", "ebay"}}).ok());
  EXPECT_FALSE(parse({"--price-budget-ms", "-1"}, {}).ok());
  Result<ServiceConfig> none = parse({}, {{"PRICE_PROVIDER", "none"}});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(to_price_sources(*none).empty());
}

TEST(ServiceConfigTest, CatalogDbFlagWinsOverEnvironment) {
  Result<ServiceConfig> c =
      parse({"--catalog-db", "/flag.sqlite"}, {{"CATALOG_DB", "/env.sqlite"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->catalog_db, "/flag.sqlite");
  EXPECT_EQ(to_recognizer_options(*c).catalog_db, "/flag.sqlite");
}

TEST(ServiceConfigTest, HelpIsNotAnError) {
  Result<ServiceConfig> c = parse({"--help"}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->help_requested);
  EXPECT_NE(service_help().find("MAX_UPLOAD_BYTES"), std::string::npos);
}

TEST(ServiceConfigTest, RecognizerOptionsCarryTheSettings) {
  Result<ServiceConfig> c =
      parse({"--queue-capacity", "5", "--max-new-tokens", "40", "--max-upload-bytes", "1234",
             "--constrain-output", "false", "--tiling", "smolvlm", "--threads", "3"},
            kModelsEnv);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  const recognize::RecognizerOptions o = to_recognizer_options(*c);
  EXPECT_EQ(o.queue_capacity, 5);
  EXPECT_EQ(o.max_new_tokens, 40);
  EXPECT_EQ(o.decode_limits.max_bytes, 1234u);
  EXPECT_FALSE(o.constrain_output);
  ASSERT_EQ(o.models.size(), 1u);
  const vlm::VlmOptions& model = o.models[0].vlm;
  EXPECT_EQ(model.label, "vlm-256m");
  EXPECT_EQ(model.tiling, vlm::TilingPlan::kSmolVlmDefault);
  EXPECT_EQ(model.threads, 3);
  EXPECT_EQ(model.model_path, "/m/text.gguf");
  EXPECT_EQ(model.mmproj_path, "/m/mmproj.gguf");
}

TEST(ServiceConfigTest, TheCacheSitsBesideTheCatalogUnlessToldOtherwise) {
  Result<ServiceConfig> c = parse({"--catalog-db", "/data/catalog.sqlite"}, {});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->cache_size, 10'000);
  EXPECT_EQ(c->cache_file, "/data/cache.sqlite");
  recognize::RecognizerOptions o = to_recognizer_options(*c);
  ASSERT_TRUE(o.cache.has_value());
  EXPECT_EQ(o.cache->capacity, 10'000u);
  EXPECT_EQ(o.cache->file, "/data/cache.sqlite");
  EXPECT_EQ(o.cache->fuzzy_radius, 12);
  EXPECT_FALSE(o.cache->redis.has_value());

  c = parse({"--cache-file", "memory", "--cache-max-distance", "8"},
            {{"REDIS_URL", "redis://:s3cret@10.0.0.5:6380/2"}, {"CACHE_SIZE", "500"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  o = to_recognizer_options(*c);
  ASSERT_TRUE(o.cache.has_value());
  EXPECT_TRUE(o.cache->file.empty());
  EXPECT_EQ(o.cache->capacity, 500u);
  EXPECT_EQ(o.cache->fuzzy_radius, 8);
  ASSERT_TRUE(o.cache->redis.has_value());
  EXPECT_EQ(o.cache->redis->host, "10.0.0.5");
  EXPECT_EQ(o.cache->redis->port, 6380);
  EXPECT_EQ(o.cache->redis->database, 2);

  c = parse({"--cache-size", "0"}, {{"REDIS_URL", "redis://127.0.0.1:6379"}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(to_recognizer_options(*c).cache.has_value());
}

TEST(ServiceConfigTest, ABadRedisUrlOrDistanceIsAnError) {
  Result<ServiceConfig> c = parse({}, {{"REDIS_URL", "http://cache:6379"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("REDIS_URL"), std::string::npos) << c.status().message();
  c = parse({"--cache-max-distance", "65"}, {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("--cache-max-distance"), std::string::npos);
}

// Written and removed by the test that uses it; the name carries the pid so parallel runs differ.
class TempFile {
 public:
  explicit TempFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("cardmint-config-test-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

constexpr const char* kKeyA = "aaaaaaaaaaaaaaaa-key-a";
constexpr const char* kKeyB = "bbbbbbbbbbbbbbbb-key-b";

TEST(ServiceConfigTest, AccessIsOffByDefault) {
  Result<ServiceConfig> c = parse({}, {});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_TRUE(c->api_keys.empty());
  EXPECT_FALSE(c->open_read);
  EXPECT_TRUE(c->cors_origins.empty());
  EXPECT_EQ(c->rate_limit_per_min, 0);
  EXPECT_FALSE(c->trust_forwarded_for);
}

TEST(ServiceConfigTest, AccessSettingsComeFromVariablesAndFlags) {
  Result<ServiceConfig> c =
      parse({}, {{"API_KEYS", std::string(" ") + kKeyA + " , " + kKeyB + ","},
                 {"OPEN_READ", "true"},
                 {"CORS_ORIGINS", "https://shop.example, http://10.0.0.5:8080"},
                 {"RATE_LIMIT_PER_MIN", "30"},
                 {"TRUST_FORWARDED_FOR", "yes"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{kKeyA, kKeyB}));
  EXPECT_TRUE(c->open_read);
  EXPECT_EQ(c->cors_origins,
            (std::vector<std::string>{"https://shop.example", "http://10.0.0.5:8080"}));
  EXPECT_EQ(c->rate_limit_per_min, 30);
  EXPECT_TRUE(c->trust_forwarded_for);

  c = parse({"--api-keys", kKeyB, "--open-read", "false", "--cors-origins", "*",
             "--rate-limit-per-min", "0", "--trust-forwarded-for", "false"},
            {{"API_KEYS", kKeyA}, {"OPEN_READ", "true"}, {"RATE_LIMIT_PER_MIN", "5"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{kKeyB}));
  EXPECT_FALSE(c->open_read);
  EXPECT_EQ(c->cors_origins, (std::vector<std::string>{"*"}));
  EXPECT_EQ(c->rate_limit_per_min, 0);
}

TEST(ServiceConfigTest, AKeysFileAddsItsKeysSkippingCommentsAndBlankLines) {
  TempFile file(std::string("# the shop's phones\n\n  ") + kKeyB + "  \r\n# retired: x\n");
  Result<ServiceConfig> c = parse({"--api-keys-file", file.path()}, {{"API_KEYS", kKeyA}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->api_keys, (std::vector<std::string>{kKeyA, kKeyB}));
  EXPECT_EQ(c->api_keys_file, file.path());
}

// The message names the flag and the variable, and never the key.
void expect_refused(const Result<ServiceConfig>& c, std::string_view setting,
                    std::string_view secret = "") {
  ASSERT_FALSE(c.ok()) << setting;
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(c.status().message().find(setting), std::string::npos) << c.status().message();
  if (!secret.empty()) {
    EXPECT_EQ(c.status().message().find(secret), std::string::npos) << c.status().message();
  }
}

TEST(ServiceConfigTest, BadAccessSettingsAreErrorsNamingFlagAndVariable) {
  expect_refused(parse({}, {{"API_KEYS", "short-key"}}), "--api-keys/API_KEYS", "short-key");
  expect_refused(parse({"--api-keys", std::string(kKeyA) + ",tooshort123"}, {}),
                 "--api-keys/API_KEYS", "tooshort123");
  expect_refused(parse({"--api-keys", " , "}, {}), "--api-keys/API_KEYS");
  expect_refused(parse({}, {{"API_KEYS", std::string(300, 'k')}}), "--api-keys/API_KEYS");
  expect_refused(parse({}, {{"API_KEYS_FILE", "/no/such/cardmint/keys"}}),
                 "--api-keys-file/API_KEYS_FILE");
  {
    TempFile empty("# nothing but comments\n\n");
    expect_refused(parse({}, {{"API_KEYS_FILE", empty.path()}}), "--api-keys-file/API_KEYS_FILE");
  }
  {
    TempFile short_key(std::string(kKeyA) + "\nshort-in-file\n");
    expect_refused(parse({}, {{"API_KEYS_FILE", short_key.path()}}),
                   "--api-keys-file/API_KEYS_FILE", "short-in-file");
  }
  expect_refused(parse({}, {{"OPEN_READ", "sometimes"}}), "--open-read/OPEN_READ");
  expect_refused(parse({}, {{"CORS_ORIGINS", "https://shop.example/"}}),
                 "--cors-origins/CORS_ORIGINS");
  expect_refused(parse({"--cors-origins", "shop.example"}, {}), "--cors-origins/CORS_ORIGINS");
  expect_refused(parse({}, {{"RATE_LIMIT_PER_MIN", "-1"}}),
                 "--rate-limit-per-min/RATE_LIMIT_PER_MIN");
  expect_refused(parse({}, {{"RATE_LIMIT_PER_MIN", "ten"}}),
                 "--rate-limit-per-min/RATE_LIMIT_PER_MIN");
  expect_refused(parse({}, {{"TRUST_FORWARDED_FOR", "2"}}),
                 "--trust-forwarded-for/TRUST_FORWARDED_FOR");
}

TEST(ServiceConfigTest, HelpListsTheAccessSettings) {
  const std::string help = service_help();
  for (const char* name :
       {"--api-keys", "API_KEYS", "--api-keys-file", "API_KEYS_FILE", "--open-read", "OPEN_READ",
        "--cors-origins", "CORS_ORIGINS", "--rate-limit-per-min", "RATE_LIMIT_PER_MIN",
        "--trust-forwarded-for", "TRUST_FORWARDED_FOR"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace cardmint::service
