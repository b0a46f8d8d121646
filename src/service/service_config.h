#pragma once
// cardmintd's settings: command-line flags, then environment variables, then defaults (a flag wins
// over its variable, a variable over the default). Plain data; copy freely.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_nesting.h"
#include "base/status.h"
#include "cache/card_cache.h"
#include "price/price_sources.h"
#include "recognize/recognizer.h"

namespace cardmint::service {

struct ServiceConfig {
  // The catalog every answer is checked against (CATALOG_DB; default: where `cardmint catalog
  // import` writes it).
  std::string catalog_db;  // --catalog-db, CATALOG_DB
  // The model, optional: without MODEL_PATH/MMPROJ_PATH the service answers from OCR alone.
  std::string model_path;                // --model, MODEL_PATH
  std::string mmproj_path;               // --mmproj, MMPROJ_PATH
  std::string model_label = "vlm-256m";  // --model-label, MODEL_LABEL: the result's "source"
  // The accurate model (SmolVLM-500M), optional: the cascade's last source.
  std::string accurate_model_path;                // --accurate-model, ACCURATE_MODEL_PATH
  std::string accurate_mmproj_path;               // --accurate-mmproj, ACCURATE_MMPROJ_PATH
  std::string accurate_model_label = "vlm-500m";  // --accurate-model-label, ACCURATE_MODEL_LABEL
  double escalate_below = 0.85;                   // --escalate-below, ESCALATE_BELOW
  // --mode, SCAN_MODE: for requests that don't name one (?mode= or X-Scan-Mode).
  recognize::ScanMode default_mode = recognize::ScanMode::kStandard;
  int num_threads = 2;                                    // --threads, NUM_THREADS: model threads
  vlm::TilingPlan tiling = vlm::TilingPlan::kSingleTile;  // --tiling, TILING: single | smolvlm
  int max_new_tokens = 160;                               // --max-new-tokens, MAX_NEW_TOKENS
  bool constrain_output = true;  // --constrain-output, CONSTRAIN_OUTPUT: the card JSON grammar
  // The cache of recognised uploads (see cache/card_cache.h).
  int cache_size = 10'000;  // --cache-size, CACHE_SIZE: remembered uploads, 0 = no cache
  // --cache-file, CACHE_FILE: "memory" keeps it in memory only. Default: cache.sqlite beside the
  // catalog, so it lives as long as the catalog it refers to.
  std::string cache_file;
  int cache_max_distance = cache::CardCacheOptions{}.fuzzy_radius;  // --cache-max-distance
  std::string redis_url;     // --redis-url, REDIS_URL: the tier every instance shares; empty: none
  int batch_size = 1;        // --batch-size, BATCH_SIZE: model requests decoded together
  int batch_timeout_ms = 5;  // --batch-timeout-ms, BATCH_TIMEOUT_MS: how long a batch may fill
  int cpu_threads = 0;       // --cpu-threads, CPU_THREADS: decode/detect/OCR pool; 0 = cores
  // --progressive-mode, PROGRESSIVE_MODE: /recognize streams server-sent events unless the
  // request says stream=0 (without it, only stream=1 or Accept: text/event-stream stream).
  bool progressive_mode = false;
  // Prices (see price/price_service.h): none unless a provider or a price list is named.
  std::string
      price_provider;  // --price-provider, PRICE_PROVIDER: "" (none), tcgdex, pokemontcg, csv
  std::string price_api_url;    // --price-api-url, PRICE_API_URL: "" = the API's public URL
  std::string price_api_key;    // --price-api-key, PRICE_API_KEY
  std::string price_csv_db;     // --price-csv-db, PRICE_CSV_DB: the shop's list, asked first
  int price_ttl_s = 6 * 3600;   // --price-ttl-s, PRICE_TTL_S
  int price_timeout_ms = 3000;  // --price-timeout-ms, PRICE_TIMEOUT_MS: one API request
  int price_budget_ms = 150;    // --price-budget-ms, PRICE_BUDGET_MS: the longest an answer waits

  // HTTP.
  std::string host = "127.0.0.1";            // --host, HOST: loopback unless told otherwise
  int port = 8080;                           // --port, PORT: 0 picks a free port
  std::size_t max_upload_bytes = 20u << 20;  // --max-upload-bytes, MAX_UPLOAD_BYTES
  // --max-pixels, MAX_PIXELS: width × height from the image's header, refused before decoding.
  std::uint64_t max_pixels = image::DecodeLimits{}.max_pixels;
  // --decode-timeout-ms, DECODE_TIMEOUT_MS: a JPEG decode stops when it runs out; 0 = no limit.
  int decode_timeout_ms = 3000;
  // --stream-timeout-ms, STREAM_TIMEOUT_MS: a stream's upload to last event, late price included.
  int stream_timeout_ms = 45'000;
  // --max-json-depth, MAX_JSON_DEPTH: the deepest JSON taken from a client or from the model.
  int max_json_depth = kDefaultMaxJsonDepth;
  int queue_capacity = 32;  // --queue-capacity, QUEUE_CAPACITY: beyond it, 503
  int max_streams = 64;  // --max-streams, MAX_STREAMS: streamed answers open at once; beyond, 503
  // --http-threads, HTTP_THREADS. Each /recognize holds a thread while it waits for the model, so
  // fewer threads than queue_capacity would let waiting uploads starve /health.
  int http_threads = 16;
  std::string log_level = "info";  // --log-level, LOG_LEVEL
  // --log-format, LOG_FORMAT: text (a terminal) | json (one object per line, for a log shipper).
  std::string log_format = "text";
  // --request-timeout-ms, REQUEST_TIMEOUT_MS: a /recognize answer not ready by then is a 504;
  // the recognition goes on and is still cached. 0: wait as long as it takes.
  int request_timeout_ms = 30'000;

  // Monitoring (service_metrics.h). The alert: more than ALERT_SLOW_SHARE of the last
  // ALERT_WINDOW /recognize requests took over ALERT_SLOW_MS.
  int alert_slow_ms = 10'000;     // --alert-slow-ms, ALERT_SLOW_MS
  int alert_window = 100;         // --alert-window, ALERT_WINDOW
  double alert_slow_share = 0.1;  // --alert-slow-share, ALERT_SLOW_SHARE
  int stats_window = 1000;        // --stats-window, STATS_WINDOW: recognitions /stats summarises
  int stats_window_s = 900;       // --stats-window-s, STATS_WINDOW_S: ... at most this old

  // --stats-history-interval-ms, STATS_HISTORY_INTERVAL_MS: how often /stats/history (the
  // dashboard's charts) takes a point; STATS_HISTORY_POINTS: how many it keeps.
  int stats_history_interval_ms = 5000;
  int stats_history_points = 720;

  // The operator's collection (collection/collection.h): --collection-db, COLLECTION_DB. Default:
  // collection.sqlite beside the catalog.
  std::string collection_db;
  // --web-root, WEB_ROOT: the folder of the scan page and dashboard (index.html, dashboard.html,
  // static/). Default: the checkout's web/.
  std::string web_root;

  // Access (access_policy.h, cors_policy.h, rate_limiter.h); all off by default.
  // --api-keys, API_KEYS (comma-separated), plus the lines of --api-keys-file, API_KEYS_FILE:
  // with any key, writes need one, and reads too unless open_read.
  std::vector<std::string> api_keys;
  std::string api_keys_file;
  bool open_read = false;                 // --open-read, OPEN_READ
  std::vector<std::string> cors_origins;  // --cors-origins, CORS_ORIGINS: exact origins or *
  int rate_limit_per_min = 0;             // --rate-limit-per-min, RATE_LIMIT_PER_MIN: 0 = off
  // --trust-forwarded-for, TRUST_FORWARDED_FOR: rate limits count by X-Forwarded-For (behind
  // nginx) instead of the peer's address.
  bool trust_forwarded_for = false;

  // Test-only (CARDMINT_LOAD_DELAY_MS_FOR_TEST, no flag): sleep before loading the models, so a
  // test can watch /ready say "loading".
  int load_delay_ms_for_test = 0;

  bool help_requested = false;  // --help: print service_help() and exit 0
};

// Looks up one environment variable; nullopt when unset. Injected so tests need no setenv().
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real environment (std::getenv).
std::optional<std::string> process_env(std::string_view name);

// Errors: invalid_input naming the flag and variable ("--port/PORT: 'abc' is not an integer"),
// for unknown flags, malformed or out-of-range numbers, a missing model path, a short API key or an
// API_KEYS_FILE that cannot be read.
[[nodiscard]] Result<ServiceConfig> parse_service_config(int argc, const char* const* argv,
                                                         const EnvLookup& env);

// The --help text.
std::string service_help();

// The price sources this configuration names, asked in order; empty: prices are off.
std::vector<price::PriceSourceSettings> to_price_sources(const ServiceConfig& config);

// The Recognizer's options for this configuration.
recognize::RecognizerOptions to_recognizer_options(const ServiceConfig& config);

}  // namespace cardmint::service
