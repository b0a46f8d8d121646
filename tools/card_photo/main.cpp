// cardmint-photos: renders synthetic photos of catalog cards with a JSON Lines ground truth.
//   cardmint-photos --catalog data/catalog --out DIR --count N --seed S [--ids id1,id2]
//                   [--sequential SET_ID [--start N]] [--no-card K] [--font-pool all|a|b]
//                   [--style varied|clean]
// Writes DIR/<n>.jpg (n zero-padded to 4 digits) and DIR/manifest.jsonl. Developer tool only.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "card_photo/binder_order.h"
#include "card_photo/card_sampler.h"
#include "card_photo/catalog_reader.h"
#include "card_photo/manifest.h"
#include "card_photo/photo_generator.h"

namespace {

using namespace cardmint;
using namespace cardmint::card_photo;

struct Job {
  const CatalogCard* card = nullptr;  // null: a photo without a card
};

struct Flags {
  std::string catalog_dir = "data/catalog";
  std::string out_dir;
  int count = -1;  // -1: 12, or every card of --ids / --sequential
  std::uint64_t seed = 1;
  std::vector<std::string> ids;
  std::string sequential_set;
  std::string start_number;  // --sequential: the collector number to start from
  int no_card = 0;
  std::string font_pool = "all";
  std::string style = "varied";
  int face_height = 1056;
  int max_jpeg_quality = 100;
};

// Prints the one error line of a failed run and returns the exit code.
int fail(int exit_code, std::string_view message) {
  fmt::print(stderr, "cardmint-photos: {}\n", message);
  return exit_code;
}

Status write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) return Status::internal(fmt::format("cannot write {}", path.string()));
  return Status::ok_status();
}

Result<std::vector<Job>> plan_jobs(const Flags& flags, const Catalog& catalog,
                                   std::mt19937_64& rng) {
  std::vector<Job> jobs;
  if (!flags.ids.empty()) {
    const std::size_t n =
        flags.count < 0 ? flags.ids.size() : static_cast<std::size_t>(flags.count);
    for (std::size_t i = 0; i < n; ++i) {
      const CatalogCard* card = catalog.find_card(flags.ids[i % flags.ids.size()]);
      if (card == nullptr)
        return Status::not_found(fmt::format("no card '{}'", flags.ids[i % flags.ids.size()]));
      jobs.push_back({card});
    }
  } else if (!flags.sequential_set.empty()) {
    Result<std::vector<std::size_t>> order = binder_order(
        catalog, flags.sequential_set,
        flags.start_number.empty() ? std::nullopt
                                   : std::optional<std::string_view>(flags.start_number),
        flags.count < 0 ? std::nullopt
                        : std::optional<std::size_t>(static_cast<std::size_t>(flags.count)));
    if (!order.ok()) return order.status();
    for (std::size_t index : *order) jobs.push_back({&catalog.cards()[index]});
  } else {
    const std::size_t n = flags.count < 0 ? 12 : static_cast<std::size_t>(flags.count);
    for (std::size_t index : sample_cards(catalog, n, rng))
      jobs.push_back({&catalog.cards()[index]});
  }
  if (flags.sequential_set.empty()) {
    // Photos without a card go to seeded places, so no consumer can lean on the order.
    for (int i = 0; i < flags.no_card; ++i) {
      const std::size_t at = std::uniform_int_distribution<std::size_t>(0, jobs.size())(rng);
      jobs.insert(jobs.begin() + static_cast<std::ptrdiff_t>(at), Job{});
    }
  } else {
    jobs.insert(jobs.end(), static_cast<std::size_t>(flags.no_card), Job{});
  }
  return jobs;
}

int run(const Flags& flags) {
  Result<FontPool> pool = parse_font_pool(flags.font_pool);
  if (!pool.ok()) return fail(2, pool.status().message());
  SceneOptions options;
  options.style = flags.style == "clean" ? SceneStyle::kClean : SceneStyle::kVaried;
  options.max_jpeg_quality = flags.max_jpeg_quality;
  Result<Catalog> catalog = read_catalog(flags.catalog_dir);
  if (!catalog.ok()) {
    fmt::print(stderr, "catalog: {} (pass --catalog DIR, e.g. /work/shared/catalog)\n",
               catalog.status().message());
    return 1;
  }
  Result<std::unique_ptr<PhotoGenerator>> generator =
      PhotoGenerator::open(*catalog, *pool, CardFaceOptions{flags.face_height});
  if (!generator.ok()) return fail(1, generator.status().message());
  std::mt19937_64 plan_rng(photo_seed(flags.seed, 0xCA7D5ULL));
  Result<std::vector<Job>> jobs = plan_jobs(flags, *catalog, plan_rng);
  if (!jobs.ok()) return fail(1, jobs.status().message());

  const std::filesystem::path out_dir(flags.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  std::ofstream manifest(out_dir / "manifest.jsonl", std::ios::trunc);
  if (!manifest) return fail(1, "cannot write " + (out_dir / "manifest.jsonl").string());

  std::optional<SceneParams> session;  // --sequential: one table and light for the whole set
  if (!flags.sequential_set.empty()) {
    std::mt19937_64 session_rng(photo_seed(flags.seed, 0x5E55ULL));
    SceneOptions seq = options;
    seq.rotation_deg = std::uniform_real_distribution<double>(-4, 4)(session_rng);
    seq.max_tilt_deg = 8;
    session = sample_scene(session_rng, seq);
    session->distractors = 0;
  }
  std::mt19937_64 replace_rng(photo_seed(flags.seed, 0xBAC0ULL));
  int written = 0;
  for (std::size_t n = 0; n < jobs->size(); ++n) {
    const std::uint64_t seed = photo_seed(flags.seed, n);
    const std::string file = fmt::format("{:04}.jpg", n);
    Result<GeneratedPhoto> photo = Status::internal("not rendered");
    const CatalogCard* card = (*jobs)[n].card;
    for (int attempt = 0; attempt < 10; ++attempt) {
      if (card == nullptr) {
        photo = (*generator)->empty_photo(seed, options);
      } else if (session) {
        std::mt19937_64 jitter_rng(seed);
        photo = (*generator)->card_photo_in_scene(*card, seed, jitter_scene(*session, jitter_rng));
      } else {
        photo = (*generator)->card_photo(*card, seed, options);
      }
      // A sampled card that cannot be drawn (no font has its glyphs) is swapped for another.
      if (photo.ok() || card == nullptr || !flags.ids.empty() || !flags.sequential_set.empty() ||
          photo.status().code() != StatusCode::kUnprocessable) {
        break;
      }
      card = &catalog->cards()[sample_cards(*catalog, 1, replace_rng).front()];
    }
    if (!photo.ok()) {
      fmt::print(stderr, "{}: {}: {}\n", file, card ? card->id : "no card",
                 photo.status().to_string());
      if (!flags.ids.empty()) return 1;
      continue;
    }
    if (Status s = write_file(out_dir / file, photo->photo.jpeg); !s.ok()) {
      return fail(1, s.message());
    }
    // A binder scan's cards come first, in order; photos without a card follow.
    const std::optional<std::size_t> scan_order =
        session && card != nullptr ? std::optional<std::size_t>(n) : std::nullopt;
    manifest << manifest_line(file, *photo, scan_order) << '\n';
    manifest.flush();
    ++written;
  }
  fmt::print("wrote {} photos and {}\n", written, (out_dir / "manifest.jsonl").string());
  return written == static_cast<int>(jobs->size()) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cardmint-photos: synthetic card photos with ground truth (developer tool)"};
  Flags flags;
  app.add_option("--catalog", flags.catalog_dir, "catalog folder with sets.jsonl and cards.jsonl")
      ->capture_default_str();
  app.add_option("--out", flags.out_dir, "output folder")->required();
  app.add_option("--count", flags.count,
                 "photos with a card (default 12, or all of --ids/--sequential)");
  app.add_option("--seed", flags.seed, "seed; the same seed gives the same bytes")
      ->capture_default_str();
  app.add_option("--ids", flags.ids, "card ids to photograph, comma separated")->delimiter(',');
  app.add_option("--sequential", flags.sequential_set,
                 "scan one set in collector-number order, one scene");
  app.add_option("--start", flags.start_number,
                 "with --sequential: start at this collector number (e.g. 10, TG05)")
      ->needs("--sequential");
  app.add_option("--no-card", flags.no_card, "extra photos without a card")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--font-pool", flags.font_pool, "all, a or b (disjoint font pools)")
      ->capture_default_str();
  app.add_option("--style", flags.style, "varied or clean")
      ->check(CLI::IsMember({"varied", "clean"}))
      ->capture_default_str();
  app.add_option("--face-height", flags.face_height, "card face render height in px")
      ->check(CLI::Range(264, 4000))
      ->capture_default_str();
  app.add_option("--max-jpeg-quality", flags.max_jpeg_quality,
                 "cap on the sampled JPEG quality (smaller files for a checked-in set)")
      ->check(CLI::Range(30, 100))
      ->capture_default_str();
  auto* ids = app.get_option("--ids");
  auto* seq = app.get_option("--sequential");
  ids->excludes(seq);
  CLI11_PARSE(app, argc, argv);
  return run(flags);
}
