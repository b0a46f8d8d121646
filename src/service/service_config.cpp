#include "service/service_config.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <vector>

#include "cache/card_cache.h"
#include "catalog/catalog_import.h"
#include "collection/collection.h"
#include "service/access_policy.h"
#include "service/cors_policy.h"

namespace cardmint::service {
namespace {

// One setting: its flag, its environment variable and its help line. Every flag takes a value, so
// a flag and its variable accept the same text and fail with the same message.
struct Setting {
  std::string_view flag;
  std::string_view env;
  std::string_view help;
};

constexpr Setting kCatalogDb{"--catalog-db", "CATALOG_DB",
                             "catalog from `cardmint catalog import`"};
constexpr Setting kModel{"--model", "MODEL_PATH", "text model GGUF (optional: OCR alone without)"};
constexpr Setting kMmproj{"--mmproj", "MMPROJ_PATH", "vision projector GGUF (with --model)"};
constexpr Setting kLabel{"--model-label", "MODEL_LABEL", "reported as \"source\""};
constexpr Setting kThreads{"--threads", "NUM_THREADS", "model threads"};
constexpr Setting kTiling{"--tiling", "TILING", "single | smolvlm"};
constexpr Setting kMaxNewTokens{"--max-new-tokens", "MAX_NEW_TOKENS", "longest model answer"};
constexpr Setting kConstrain{"--constrain-output", "CONSTRAIN_OUTPUT",
                             "true: the model must answer in the card JSON grammar"};
constexpr Setting kCacheSize{"--cache-size", "CACHE_SIZE", "remembered cards, 0 = off"};
constexpr Setting kCacheFile{"--cache-file", "CACHE_FILE",
                             "the cache's SQLite file; 'memory' keeps it in memory only"};
constexpr Setting kCacheDistance{"--cache-max-distance", "CACHE_MAX_DISTANCE",
                                 "bits of 128 a photo's hash may differ from a cached one"};
constexpr Setting kRedisUrl{"--redis-url", "REDIS_URL",
                            "redis://[[user]:password@]host[:port][/db]: the cache every "
                            "instance shares"};
constexpr Setting kAccurateModel{"--accurate-model", "ACCURATE_MODEL_PATH",
                                 "the accurate model's GGUF (SmolVLM-500M): the cascade's last "
                                 "source, the one high_value requests confirm with"};
constexpr Setting kAccurateMmproj{"--accurate-mmproj", "ACCURATE_MMPROJ_PATH",
                                  "its vision projector GGUF (with --accurate-model)"};
constexpr Setting kAccurateLabel{"--accurate-model-label", "ACCURATE_MODEL_LABEL",
                                 "reported as \"source\""};
constexpr Setting kEscalateBelow{"--escalate-below", "ESCALATE_BELOW",
                                 "an answer less sure than this (0..1) asks the next source"};
constexpr Setting kScanMode{"--mode", "SCAN_MODE",
                            "default scan mode: bulk_inventory | standard | high_value"};
constexpr Setting kBatchSize{"--batch-size", "BATCH_SIZE", "images per model run"};
constexpr Setting kBatchTimeout{"--batch-timeout-ms", "BATCH_TIMEOUT_MS",
                                "how long a model waits for its batch to fill"};
constexpr Setting kCpuThreads{"--cpu-threads", "CPU_THREADS",
                              "threads that decode, find cards and run OCR; 0 = one per core"};
constexpr Setting kProgressive{"--progressive-mode", "PROGRESSIVE_MODE", "true | false"};
constexpr Setting kPriceProvider{"--price-provider", "PRICE_PROVIDER",
                                 "none | tcgdex | pokemontcg | csv: where prices come from"};
constexpr Setting kPriceApiUrl{"--price-api-url", "PRICE_API_URL",
                               "the price API's base URL (default: its public one)"};
constexpr Setting kPriceApiKey{"--price-api-key", "PRICE_API_KEY", "pokemontcg.io API key"};
constexpr Setting kPriceCsvDb{"--price-csv-db", "PRICE_CSV_DB",
                              "the shop's price list (`cardmint prices import`), asked first"};
constexpr Setting kPriceTtl{"--price-ttl-s", "PRICE_TTL_S", "how long a fetched price is reused"};
constexpr Setting kPriceTimeout{"--price-timeout-ms", "PRICE_TIMEOUT_MS",
                                "longest price API request"};
constexpr Setting kPriceBudget{"--price-budget-ms", "PRICE_BUDGET_MS",
                               "longest an answer waits for its price; later ones come after"};
constexpr Setting kHost{"--host", "HOST", "listen address"};
constexpr Setting kPort{"--port", "PORT", "listen port, 0 = any free port"};
constexpr Setting kMaxUpload{"--max-upload-bytes", "MAX_UPLOAD_BYTES", "largest request body"};
constexpr Setting kMaxPixels{"--max-pixels", "MAX_PIXELS",
                             "largest image, width x height as its header says; refused undecoded"};
constexpr Setting kDecodeTimeout{"--decode-timeout-ms", "DECODE_TIMEOUT_MS",
                                 "longest an image may take to decode (a 422 after); 0 = no limit"};
constexpr Setting kStreamTimeout{"--stream-timeout-ms", "STREAM_TIMEOUT_MS",
                                 "longest a streamed answer stays open, late price included; "
                                 "0 = no limit"};
constexpr Setting kMaxJsonDepth{"--max-json-depth", "MAX_JSON_DEPTH",
                                "deepest JSON nesting taken from a request body or the model"};
constexpr Setting kQueue{"--queue-capacity", "QUEUE_CAPACITY", "requests waiting for the model"};
constexpr Setting kMaxStreams{"--max-streams", "MAX_STREAMS",
                              "streamed answers open at once; one more is a 503"};
constexpr Setting kHttpThreads{"--http-threads", "HTTP_THREADS", "HTTP worker threads"};
constexpr Setting kLogLevel{"--log-level", "LOG_LEVEL", "trace | debug | info | warn | error"};
constexpr Setting kLogFormat{"--log-format", "LOG_FORMAT", "text | json (one object per line)"};
constexpr Setting kRequestTimeout{"--request-timeout-ms", "REQUEST_TIMEOUT_MS",
                                  "a recognition not answered by then is a 504; 0 = no limit"};
constexpr Setting kAlertSlowMs{"--alert-slow-ms", "ALERT_SLOW_MS",
                               "the slow-request alert: a /recognize request over this is slow"};
constexpr Setting kAlertWindow{"--alert-window", "ALERT_WINDOW",
                               "the slow-request alert: over the last this many requests"};
constexpr Setting kAlertSlowShare{"--alert-slow-share", "ALERT_SLOW_SHARE",
                                  "the slow-request alert fires above this share (0..1)"};
constexpr Setting kStatsWindow{"--stats-window", "STATS_WINDOW",
                               "/stats percentiles: over the last this many recognitions"};
constexpr Setting kStatsWindowS{"--stats-window-s", "STATS_WINDOW_S",
                                "/stats percentiles: over recognitions at most this many s old"};
constexpr Setting kStatsHistoryInterval{"--stats-history-interval-ms", "STATS_HISTORY_INTERVAL_MS",
                                        "/stats/history: one point this often"};
constexpr Setting kStatsHistoryPoints{"--stats-history-points", "STATS_HISTORY_POINTS",
                                      "/stats/history: points kept"};
constexpr Setting kCollectionDb{"--collection-db", "COLLECTION_DB",
                                "the collection's SQLite file (default: beside the catalog)"};
constexpr Setting kWebRoot{"--web-root", "WEB_ROOT",
                           "folder of the scan page and dashboard (default: the checkout's web/)"};
constexpr Setting kApiKeys{"--api-keys", "API_KEYS",
                           "comma-separated API keys (16+ characters each): with any, writes "
                           "need one (Authorization: Bearer KEY or X-API-Key: KEY)"};
constexpr Setting kApiKeysFile{"--api-keys-file", "API_KEYS_FILE",
                               "file of API keys, one per line ('#' comments); adds to --api-keys"};
constexpr Setting kOpenRead{"--open-read", "OPEN_READ",
                            "true: with API keys, reads (GET) need none; only writes do"};
constexpr Setting kCorsOrigins{"--cors-origins", "CORS_ORIGINS",
                               "comma-separated origins (https://host[:port]) or * whose pages "
                               "may call the service; default: none, no CORS headers"};
constexpr Setting kRateLimit{"--rate-limit-per-min", "RATE_LIMIT_PER_MIN",
                             "writes a client (its key, else its address) may make per minute; "
                             "0 = no limit"};
constexpr Setting kTrustForwardedFor{"--trust-forwarded-for", "TRUST_FORWARDED_FOR",
                                     "true: behind a proxy, a client's address is the last one "
                                     "of X-Forwarded-For"};

constexpr std::array kSettings = {kCatalogDb,
                                  kModel,
                                  kMmproj,
                                  kLabel,
                                  kAccurateModel,
                                  kAccurateMmproj,
                                  kAccurateLabel,
                                  kThreads,
                                  kTiling,
                                  kMaxNewTokens,
                                  kConstrain,
                                  kEscalateBelow,
                                  kScanMode,
                                  kCacheSize,
                                  kCacheFile,
                                  kCacheDistance,
                                  kRedisUrl,
                                  kBatchSize,
                                  kBatchTimeout,
                                  kCpuThreads,
                                  kProgressive,
                                  kHost,
                                  kPort,
                                  kMaxUpload,
                                  kMaxPixels,
                                  kDecodeTimeout,
                                  kStreamTimeout,
                                  kMaxJsonDepth,
                                  kQueue,
                                  kMaxStreams,
                                  kHttpThreads,
                                  kLogLevel,
                                  kPriceProvider,
                                  kPriceApiUrl,
                                  kPriceApiKey,
                                  kPriceCsvDb,
                                  kPriceTtl,
                                  kPriceTimeout,
                                  kPriceBudget,
                                  kLogFormat,
                                  kRequestTimeout,
                                  kAlertSlowMs,
                                  kAlertWindow,
                                  kAlertSlowShare,
                                  kStatsWindow,
                                  kStatsWindowS,
                                  kStatsHistoryInterval,
                                  kStatsHistoryPoints,
                                  kCollectionDb,
                                  kWebRoot,
                                  kApiKeys,
                                  kApiKeysFile,
                                  kOpenRead,
                                  kCorsOrigins,
                                  kRateLimit,
                                  kTrustForwardedFor};

// The environment-only test hook has no flag.
constexpr Setting kLoadDelay{"", "CARDMINT_LOAD_DELAY_MS_FOR_TEST", ""};

std::string setting_name(const Setting& s) {
  return s.flag.empty() ? std::string(s.env) : fmt::format("{}/{}", s.flag, s.env);
}

// Registers every setting on `app` as a string option stored in `values` (keyed by flag).
void add_settings(CLI::App& app, std::map<std::string_view, std::string>& values) {
  for (const Setting& s : kSettings) {
    app.add_option(std::string(s.flag), values[s.flag], fmt::format("{} [{}]", s.help, s.env));
  }
}

// Resolves each setting from its flag, else its variable, else leaves the default in place. The
// first error wins; later settings are still read so one call reports the earliest mistake.
class Resolver {
 public:
  Resolver(const CLI::App& app, const std::map<std::string_view, std::string>& flags,
           const EnvLookup& env)
      : app_(app), flags_(flags), env_(env) {}

  void text(const Setting& s, std::string& field) {
    if (std::optional<std::string> v = raw(s)) field = std::move(*v);
  }

  template <typename Int>
  void integer(const Setting& s, long long min, long long max, Int& field) {
    std::optional<std::string> v = raw(s);
    if (!v) return;
    long long parsed = 0;
    const char* end = v->data() + v->size();
    auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
    if (v->empty() || ec != std::errc() || ptr != end) {
      fail(fmt::format("{}: '{}' is not an integer", setting_name(s), *v));
    } else if (parsed < min || parsed > max) {
      fail(fmt::format("{}: {} is outside [{}, {}]", setting_name(s), parsed, min, max));
    } else {
      field = static_cast<Int>(parsed);
    }
  }

  void decimal(const Setting& s, double min, double max, double& field) {
    std::optional<std::string> v = raw(s);
    if (!v) return;
    double parsed = 0;
    const char* end = v->data() + v->size();
    auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
    if (v->empty() || ec != std::errc() || ptr != end) {
      fail(fmt::format("{}: '{}' is not a number", setting_name(s), *v));
    } else if (parsed < min || parsed > max) {
      fail(fmt::format("{}: {} is outside [{}, {}]", setting_name(s), parsed, min, max));
    } else {
      field = parsed;
    }
  }

  // "a, b,,c" as {"a", "b", "c"}: blanks around each entry and empty entries dropped.
  void list(const Setting& s, std::vector<std::string>& field) {
    std::optional<std::string> v = raw(s);
    if (!v) return;
    field.clear();
    std::string_view rest = *v;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view entry = rest.substr(0, comma);
      while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) {
        entry.remove_prefix(1);
      }
      while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) {
        entry.remove_suffix(1);
      }
      if (!entry.empty()) field.emplace_back(entry);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
  }

  void boolean(const Setting& s, bool& field) {
    std::optional<std::string> v = raw(s);
    if (!v) return;
    std::string lower = *v;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
      field = true;
    } else if (lower == "0" || lower == "false" || lower == "no" || lower == "off") {
      field = false;
    } else {
      fail(fmt::format("{}: '{}' is not true or false", setting_name(s), *v));
    }
  }

  // `field` becomes the value whose name matches; anything else is an error listing the names.
  template <typename T, std::size_t N>
  void one_of(const Setting& s, const std::array<std::pair<std::string_view, T>, N>& names,
              T& field) {
    std::optional<std::string> v = raw(s);
    if (!v) return;
    std::string allowed;
    for (const auto& [name, value] : names) {
      if (*v == name) {
        field = value;
        return;
      }
      allowed += allowed.empty() ? std::string(name) : fmt::format(", {}", name);
    }
    fail(fmt::format("{}: '{}' is not one of {}", setting_name(s), *v, allowed));
  }

  // Whether the flag was given, or the variable set and not empty.
  bool given(const Setting& s) const { return raw(s).has_value(); }

  void fail(std::string message) {
    if (status_.ok()) status_ = Status::invalid_input(std::move(message));
  }
  const Status& status() const { return status_; }

 private:
  // The flag's text when it was given, else the variable's when it is set and not empty.
  std::optional<std::string> raw(const Setting& s) const {
    if (!s.flag.empty()) {
      const CLI::Option* option = app_.get_option_no_throw(std::string(s.flag));
      if (option != nullptr && option->count() > 0) return flags_.at(s.flag);
    }
    std::optional<std::string> v = env_(s.env);
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  const CLI::App& app_;
  const std::map<std::string_view, std::string>& flags_;
  const EnvLookup& env_;
  Status status_;
};

constexpr std::array<std::pair<std::string_view, vlm::TilingPlan>, 2> kTilingNames = {{
    {"single", vlm::TilingPlan::kSingleTile},
    {"smolvlm", vlm::TilingPlan::kSmolVlmDefault},
}};

constexpr std::array<std::pair<std::string_view, recognize::ScanMode>, 3> kScanModes = {{
    {"bulk_inventory", recognize::ScanMode::kBulkInventory},
    {"standard", recognize::ScanMode::kStandard},
    {"high_value", recognize::ScanMode::kHighValue},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kPriceProviders = {{
    {"none", ""},
    {"tcgdex", "tcgdex"},
    {"pokemontcg", "pokemontcg"},
    {"csv", "csv"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kLogFormats = {{
    {"text", "text"},
    {"json", "json"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kLogLevels = {{
    {"trace", "trace"},
    {"debug", "debug"},
    {"info", "info"},
    {"warn", "warn"},
    {"error", "error"},
    {"critical", "critical"},
    {"off", "off"},
}};

// The access settings; the keys themselves stay out of every message.
void resolve_access(Resolver& r, ServiceConfig& c) {
  r.list(kApiKeys, c.api_keys);
  // A flag or variable given but naming nothing is a mistake worth stopping for: the operator meant
  // to turn keys on.
  if (!c.api_keys.empty() || r.given(kApiKeys)) {
    if (Status s = check_api_keys(c.api_keys); !s.ok()) {
      r.fail(fmt::format("{}: {}", setting_name(kApiKeys), s.message()));
    }
  }
  r.text(kApiKeysFile, c.api_keys_file);
  if (!c.api_keys_file.empty()) {
    Result<std::vector<std::string>> from_file = api_keys_from_file(c.api_keys_file);
    if (!from_file.ok()) {
      r.fail(fmt::format("{}: {}", setting_name(kApiKeysFile), from_file.status().message()));
    } else {
      c.api_keys.insert(c.api_keys.end(), from_file->begin(), from_file->end());
    }
  }
  r.boolean(kOpenRead, c.open_read);
  r.list(kCorsOrigins, c.cors_origins);
  if (!c.cors_origins.empty() || r.given(kCorsOrigins)) {
    if (Status s = check_cors_origins(c.cors_origins); !s.ok()) {
      r.fail(fmt::format("{}: {}", setting_name(kCorsOrigins), s.message()));
    }
  }
  r.integer(kRateLimit, 0, 1'000'000, c.rate_limit_per_min);
  r.boolean(kTrustForwardedFor, c.trust_forwarded_for);
}

constexpr const char* kDescription =
    "cardmintd: recognizes Pokemon cards in photos over HTTP (POST /recognize, GET /health, "
    "GET /ready, GET /stats). Each flag falls back to the environment variable in brackets.";

}  // namespace

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<ServiceConfig> parse_service_config(int argc, const char* const* argv,
                                           const EnvLookup& env) {
  CLI::App app{kDescription, "cardmintd"};
  std::map<std::string_view, std::string> flags;
  add_settings(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    ServiceConfig help;
    help.help_requested = true;
    return help;
  } catch (const CLI::ParseError& e) {
    return Status::invalid_input(e.what());
  }

  ServiceConfig c;
  Resolver r(app, flags, env);
  c.catalog_db = catalog::default_catalog_db_path().string();
  r.text(kCatalogDb, c.catalog_db);
  r.text(kModel, c.model_path);
  r.text(kMmproj, c.mmproj_path);
  r.text(kLabel, c.model_label);
  r.text(kAccurateModel, c.accurate_model_path);
  r.text(kAccurateMmproj, c.accurate_mmproj_path);
  r.text(kAccurateLabel, c.accurate_model_label);
  r.decimal(kEscalateBelow, 0, 1, c.escalate_below);
  r.one_of(kScanMode, kScanModes, c.default_mode);
  r.integer(kThreads, 1, 256, c.num_threads);
  r.one_of(kTiling, kTilingNames, c.tiling);
  r.integer(kMaxNewTokens, 1, 4096, c.max_new_tokens);
  r.boolean(kConstrain, c.constrain_output);
  r.integer(kCacheSize, 0, 10'000'000, c.cache_size);
  c.cache_file = cache::default_cache_file(c.catalog_db).string();
  r.text(kCacheFile, c.cache_file);
  r.integer(kCacheDistance, 0, 64, c.cache_max_distance);
  r.text(kRedisUrl, c.redis_url);
  if (!c.redis_url.empty()) {
    if (Result<cache::RedisAddress> address = cache::parse_redis_url(c.redis_url); !address.ok())
      r.fail(fmt::format("{}: {}", setting_name(kRedisUrl), address.status().message()));
  }
  r.integer(kBatchSize, 1, 64, c.batch_size);
  r.integer(kBatchTimeout, 0, 10'000, c.batch_timeout_ms);
  r.integer(kCpuThreads, 0, 256, c.cpu_threads);
  r.boolean(kProgressive, c.progressive_mode);
  std::string_view price_provider = c.price_provider;
  r.one_of(kPriceProvider, kPriceProviders, price_provider);
  c.price_provider = std::string(price_provider);
  r.text(kPriceApiUrl, c.price_api_url);
  r.text(kPriceApiKey, c.price_api_key);
  r.text(kPriceCsvDb, c.price_csv_db);
  r.integer(kPriceTtl, 1, 30 * 86'400, c.price_ttl_s);
  r.integer(kPriceTimeout, 1, 60'000, c.price_timeout_ms);
  r.integer(kPriceBudget, 0, 60'000, c.price_budget_ms);
  r.text(kHost, c.host);
  r.integer(kPort, 0, 65535, c.port);
  r.integer(kMaxUpload, 1, 1ll << 30, c.max_upload_bytes);
  r.integer(kMaxPixels, 1, 1ll << 31, c.max_pixels);
  r.integer(kDecodeTimeout, 0, 600'000, c.decode_timeout_ms);
  r.integer(kStreamTimeout, 0, 3'600'000, c.stream_timeout_ms);
  r.integer(kMaxJsonDepth, 1, 10'000, c.max_json_depth);
  r.integer(kQueue, 1, 100'000, c.queue_capacity);
  r.integer(kMaxStreams, 1, 100'000, c.max_streams);
  r.integer(kHttpThreads, 1, 1024, c.http_threads);
  std::string_view level = c.log_level;
  r.one_of(kLogLevel, kLogLevels, level);
  c.log_level = std::string(level);
  std::string_view format = c.log_format;
  r.one_of(kLogFormat, kLogFormats, format);
  c.log_format = std::string(format);
  r.integer(kRequestTimeout, 0, 3'600'000, c.request_timeout_ms);
  r.integer(kAlertSlowMs, 1, 3'600'000, c.alert_slow_ms);
  r.integer(kAlertWindow, 1, 1'000'000, c.alert_window);
  r.decimal(kAlertSlowShare, 0, 1, c.alert_slow_share);
  r.integer(kStatsWindow, 1, 1'000'000, c.stats_window);
  r.integer(kStatsWindowS, 1, 7 * 24 * 3600, c.stats_window_s);
  r.integer(kStatsHistoryInterval, 100, 3'600'000, c.stats_history_interval_ms);
  r.integer(kStatsHistoryPoints, 2, 100'000, c.stats_history_points);
  c.collection_db = collection::default_collection_db(c.catalog_db).string();
  r.text(kCollectionDb, c.collection_db);
  c.web_root = CARDMINT_SOURCE_WEB_DIR;
  r.text(kWebRoot, c.web_root);
  r.integer(kLoadDelay, 0, 600'000, c.load_delay_ms_for_test);
  resolve_access(r, c);

  if (c.model_label.empty()) r.fail(fmt::format("{}: must not be empty", setting_name(kLabel)));
  if (c.host.empty()) r.fail(fmt::format("{}: must not be empty", setting_name(kHost)));
  if (c.model_path.empty() != c.mmproj_path.empty()) {
    r.fail(fmt::format("{} and {} go together", setting_name(kModel), setting_name(kMmproj)));
  }
  if (c.accurate_model_path.empty() != c.accurate_mmproj_path.empty()) {
    r.fail(fmt::format("{} and {} go together", setting_name(kAccurateModel),
                       setting_name(kAccurateMmproj)));
  }
  if (!c.accurate_model_path.empty() && c.accurate_model_label == c.model_label) {
    r.fail(fmt::format("{} and {} must differ: the labels name the sources", setting_name(kLabel),
                       setting_name(kAccurateLabel)));
  }
  if (!r.status().ok()) return r.status();
  return c;
}

std::string service_help() {
  CLI::App app{kDescription, "cardmintd"};
  std::map<std::string_view, std::string> flags;
  add_settings(app, flags);
  return app.help();
}

recognize::RecognizerOptions to_recognizer_options(const ServiceConfig& config) {
  recognize::RecognizerOptions options;
  options.catalog_db = config.catalog_db;
  auto add_model = [&](const std::string& path, const std::string& mmproj, const std::string& label,
                       bool accurate) {
    if (path.empty()) return;
    recognize::RecognizerOptions::Model model;
    model.vlm.model_path = path;
    model.vlm.mmproj_path = mmproj;
    model.vlm.label = label;
    model.vlm.threads = config.num_threads;
    model.vlm.tiling = config.tiling;
    model.accurate = accurate;
    options.models.push_back(std::move(model));
  };
  add_model(config.model_path, config.mmproj_path, config.model_label, false);
  add_model(config.accurate_model_path, config.accurate_mmproj_path, config.accurate_model_label,
            true);
  options.escalation.escalate_below = config.escalate_below;
  options.default_mode = config.default_mode;
  options.batch_size = config.batch_size;
  options.batch_timeout_ms = config.batch_timeout_ms;
  options.cpu_threads = config.cpu_threads;
  options.decode_limits.max_bytes = config.max_upload_bytes;
  options.decode_limits.max_pixels = config.max_pixels;
  options.decode_limits.max_decode_time = std::chrono::milliseconds(config.decode_timeout_ms);
  options.max_json_depth = config.max_json_depth;
  options.queue_capacity = config.queue_capacity;
  options.max_new_tokens = config.max_new_tokens;
  options.constrain_output = config.constrain_output;
  if (config.cache_size > 0) {
    cache::CardCacheOptions cache;
    cache.capacity = static_cast<std::size_t>(config.cache_size);
    if (config.cache_file != "memory") cache.file = config.cache_file;
    cache.fuzzy_radius = config.cache_max_distance;
    if (!config.redis_url.empty()) {
      Result<cache::RedisAddress> address = cache::parse_redis_url(config.redis_url);
      if (address.ok()) cache.redis = *address;  // parse_service_config refused a bad one
    }
    options.cache = cache;
  }
  return options;
}

std::vector<price::PriceSourceSettings> to_price_sources(const ServiceConfig& config) {
  std::vector<price::PriceSourceSettings> sources;
  // The shop's own list first: its prices are the ones the shop sells at.
  if (!config.price_csv_db.empty() && config.price_provider != "csv") {
    sources.push_back({.provider = "csv", .api = {}, .book = config.price_csv_db});
  }
  if (!config.price_provider.empty()) {
    price::PriceSourceSettings source;
    source.provider = config.price_provider;
    source.api.base_url = config.price_api_url;
    source.api.api_key = config.price_api_key;
    source.api.request_timeout = std::chrono::milliseconds(config.price_timeout_ms);
    source.book = config.price_csv_db;
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace cardmint::service
