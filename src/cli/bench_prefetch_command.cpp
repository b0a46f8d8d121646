#include "cli/bench_prefetch_command.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "cli/latency_summary.h"
#include "cli/model_flags.h"
#include "price/price_service.h"
#include "price/price_sources.h"
#include "recognize/recognizer.h"

namespace cardmint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct BenchPrefetchFlags {
  ModelFlags model;
  std::string dir;
  std::string manifest;
  int price_latency_ms = 250;
  bool as_json = false;
};

struct Photo {
  std::vector<std::uint8_t> bytes;
  std::string card_id;
  std::string finish;  // the manifest's: normal | holo | reverse | first_edition
};

// The manifest's photos in scan order (scan_order when given, else file order).
Result<std::vector<Photo>> read_photos(const BenchPrefetchFlags& flags) {
  std::ifstream in(flags.manifest);
  if (!in) return Status::invalid_input(fmt::format("cannot read {}", flags.manifest));
  std::vector<std::pair<long, Photo>> ordered;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const json entry = json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("file") || !entry.contains("card_id")) {
      return Status::invalid_input(
          fmt::format("{}: a line without file and card_id", flags.manifest));
    }
    Photo photo;
    std::ifstream file(fs::path(flags.dir) / entry["file"].get<std::string>(), std::ios::binary);
    if (!file) return Status::invalid_input(fmt::format("cannot read {}", entry["file"].dump()));
    photo.bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    photo.card_id = entry["card_id"];
    photo.finish = entry.value("finish", "");
    ordered.emplace_back(entry.value("scan_order", static_cast<long>(ordered.size())),
                         std::move(photo));
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Photo> photos;
  for (auto& [order, photo] : ordered) photos.push_back(std::move(photo));
  return photos;
}

// A price API on 127.0.0.1 answering every card in TCGdex's shape after `latency`: the cost of a
// remote API, without leaving the machine.
class LoopbackPriceApi {
 public:
  explicit LoopbackPriceApi(std::chrono::milliseconds latency) {
    server_.Get(
        "/v2/en/cards/:id", [this, latency](const httplib::Request& req, httplib::Response& res) {
          ++requests_;
          std::this_thread::sleep_for(latency);
          const std::string& id = req.path_params.at("id");
          const json figures = {
              {"lowPrice", 0.1}, {"midPrice", 0.5}, {"highPrice", 3.0}, {"marketPrice", 0.4}};
          const json card = {{"id", id},
                             {"pricing",
                              {{"tcgplayer",
                                {{"unit", "USD"},
                                 {"normal", figures},
                                 {"holofoil", figures},
                                 {"reverse-holofoil", figures},
                                 {"1st-edition-holofoil", figures}}}}}};
          res.set_content(card.dump(), "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
  }
  ~LoopbackPriceApi() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  int requests() const { return requests_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

struct PassFigures {
  int n = 0, top1 = 0, exact = 0, confident_wrong = 0, unknown = 0;
  int sure = 0;  // answers at or above the escalation threshold: no model needed
  int price_ready_at_answer = 0;
  std::vector<double> recognize_ms;
  std::vector<double> to_price_ms;
  price::PriceService::Stats prices;
};

std::string finish_name_of(std::string manifest_finish) {
  for (char& c : manifest_finish) c = c == '_' ? ' ' : c;
  return manifest_finish == "reverse" ? "reverse holo" : manifest_finish;
}

Result<PassFigures> run_pass(const BenchPrefetchFlags& flags, const std::vector<Photo>& photos,
                             bool with_session) {
  LoopbackPriceApi api{std::chrono::milliseconds(flags.price_latency_ms)};
  price::PriceSourceSettings source;
  source.provider = "tcgdex";
  source.api.base_url = api.url();
  source.api.request_timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<price::PriceProvider>> provider = price::open_price_provider(source);
  if (!provider.ok()) return provider.status();
  std::vector<std::unique_ptr<price::PriceProvider>> providers;
  providers.push_back(std::move(provider).value());
  Result<std::unique_ptr<price::PriceService>> prices =
      price::PriceService::start(std::move(providers), {});
  if (!prices.ok()) return prices.status();

  recognize::RecognizerOptions options;
  options.catalog_db = catalog_db_path(flags.model);
  options.models = cascade_models(flags.model);
  price::PriceService* service = prices->get();
  options.on_predicted_cards = [service](std::vector<std::string> ids) {
    service->prefetch(std::move(ids));
  };
  Result<std::unique_ptr<recognize::Recognizer>> recognizer = recognize::Recognizer::open(options);
  if (!recognizer.ok()) return recognizer.status();

  PassFigures f;
  for (const Photo& photo : photos) {
    recognize::RecognizeRequest request;
    if (with_session) request.session_id = "bench-binder";
    const auto start = Clock::now();
    Result<recognize::Recognition> r = (*recognizer)->recognize(photo.bytes, request);
    if (!r.ok()) return r.status();
    const auto answered = Clock::now();
    ++f.n;
    f.recognize_ms.push_back(std::chrono::duration<double, std::milli>(answered - start).count());
    if (!r->card) {
      ++f.unknown;
      continue;
    }
    const bool right = r->card->id == photo.card_id;
    f.top1 += right;
    f.exact += right && r->card->finish == finish_name_of(photo.finish);
    const bool is_sure = r->confidence >= options.escalation.escalate_below;
    f.sure += is_sure;
    f.confident_wrong += !right && is_sure;
    const std::optional<catalog::Finish> finish = catalog::parse_finish(r->card->finish);
    if (!finish) continue;
    std::shared_future<Result<price::ChosenPrice>> quote = service->quote(r->card->id, *finish);
    f.price_ready_at_answer += quote.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    quote.wait();
    f.to_price_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  f.prices = service->stats();
  return f;
}

json pass_json(const PassFigures& f) {
  auto rate = [&](int k) { return f.n == 0 ? 0.0 : static_cast<double>(k) / f.n; };
  const LatencySummary rec = summarize_latencies(f.recognize_ms);
  const LatencySummary price = summarize_latencies(f.to_price_ms);
  return {{"n", f.n},
          {"top1", rate(f.top1)},
          {"exact_printing", rate(f.exact)},
          {"confident_wrong", f.confident_wrong},
          {"sure_answers", f.sure},
          {"unknown", f.unknown},
          {"recognize_ms", {{"p50", rec.p50_ms}, {"p90", rec.p90_ms}, {"mean", rec.mean_ms}}},
          {"to_price_ms", {{"p50", price.p50_ms}, {"p90", price.p90_ms}, {"mean", price.mean_ms}}},
          {"price_ready_at_answer", f.price_ready_at_answer},
          {"price_fetches", f.prices.fetches},
          {"price_cache_hits", f.prices.hits}};
}

int run_bench_prefetch(const BenchPrefetchFlags& flags) {
  Result<std::vector<Photo>> photos = read_photos(flags);
  if (!photos.ok()) {
    logger("cli")->error("{}", photos.status().to_string());
    return 2;
  }
  Result<PassFigures> off = run_pass(flags, *photos, /*with_session=*/false);
  Result<PassFigures> on = off.ok() ? run_pass(flags, *photos, /*with_session=*/true) : off;
  if (!off.ok() || !on.ok()) {
    logger("cli")->error("{}", (off.ok() ? on : off).status().to_string());
    return 1;
  }
  const json a = pass_json(*off);
  const json b = pass_json(*on);
  auto ratio = [](double x, double y) { return y == 0 ? 0.0 : x / y; };
  const json out = {{"photos", photos->size()},
                    {"price_latency_ms", flags.price_latency_ms},
                    {"prefetch_off", a},
                    {"prefetch_on", b},
                    {"on_over_off",
                     {{"recognize_p50", ratio(b["recognize_ms"]["p50"], a["recognize_ms"]["p50"])},
                      {"to_price_p50", ratio(b["to_price_ms"]["p50"], a["to_price_ms"]["p50"])},
                      {"top1_points", (b["top1"].get<double>() - a["top1"].get<double>()) * 100}}}};
  if (flags.as_json) {
    std::cout << out.dump() << std::endl;
    return 0;
  }
  std::cout << fmt::format("{} photos in scan order; price API on loopback answering after {} ms\n",
                           photos->size(), flags.price_latency_ms);
  std::cout << "                       prefetch off   prefetch on\n";
  auto row = [&](const std::string& label, const json& x, const json& y) {
    std::cout << fmt::format("  {:<20} {:>12}   {:>11}\n", label, x.dump(), y.dump());
  };
  row("top-1", a["top1"], b["top1"]);
  row("exact printing", a["exact_printing"], b["exact_printing"]);
  row("confident wrong", a["confident_wrong"], b["confident_wrong"]);
  row("sure answers", a["sure_answers"], b["sure_answers"]);
  row("recognize p50 ms", a["recognize_ms"]["p50"], b["recognize_ms"]["p50"]);
  row("to price p50 ms", a["to_price_ms"]["p50"], b["to_price_ms"]["p50"]);
  row("to price p90 ms", a["to_price_ms"]["p90"], b["to_price_ms"]["p90"]);
  row("price ready at answer", a["price_ready_at_answer"], b["price_ready_at_answer"]);
  return 0;
}

}  // namespace

void register_bench_prefetch_command(CLI::App& bench) {
  auto flags = std::make_shared<BenchPrefetchFlags>();
  CLI::App* cmd = bench.add_subcommand(
      "prefetch", "a binder scanned in order, without and with a scan session (prefetch)");
  add_model_flags(*cmd, flags->model);
  cmd->add_option("dir", flags->dir, "photos (cardmint-photos --sequential SET ...)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--manifest", flags->manifest, "its manifest.jsonl")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--price-latency-ms", flags->price_latency_ms,
                  "how long the loopback price API takes to answer")
      ->check(CLI::Range(0, 10'000));
  cmd->add_flag("--json", flags->as_json, "print one JSON object");
  cmd->callback([flags] { throw CLI::RuntimeError(run_bench_prefetch(*flags)); });
}

}  // namespace cardmint::cli
