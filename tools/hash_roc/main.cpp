// cardmint-hash-roc: how far apart the cache's perceptual hashes land, measured on generated
// photos, so the cache's thresholds come from data rather than a guess.
//   cardmint-hash-roc [--catalog data/catalog] [--cards N] [--seed S] [--json]
// Four kinds of pair, each photo hashed exactly as cardmintd hashes an upload
// (hash::hash_card_in_photo on the JPEG bytes):
//   same card        one card face, photographed in two independent scenes (table, light,
//                    pose, blur, glare all drawn afresh: the worst case for a repeat);
//   same rig         one card face photographed twice on one table under one light, the second
//                    time placed a little differently (the generator's jitter_scene, as for a
//                    sequential scan): a scanning station's repeat;
//   different cards  two cards drawn at random from the sample;
//   same name        two printings sharing a name (Pikachu vs Pikachu), each with its own face;
//   shared art       two printings sharing a name drawn from one face seed: the same artwork and
//                    layout with a different number and finish, as a reprint looks.
// Prints a histogram of each kind and, per threshold, the share of each kind within it (for the
// same card that is the hit rate; for the others, the false-match rate). Developer tool only.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "card_photo/card_sampler.h"
#include "card_photo/catalog_reader.h"
#include "card_photo/photo_generator.h"
#include "hash/photo_card_hash.h"

namespace {

using namespace cardmint;
using namespace cardmint::card_photo;

struct PairKind {
  std::string name;
  std::vector<int> distances;
  int unhashed = 0;  // pairs where a photo's card was not found
};

// A lookup tries the query both ways up (the layout cues can mistake 0° for 180°), so the
// distance that decides a hit is the nearer of the two.
int lookup_distance(const hash::CardHash& stored, const hash::PhotoCardHash& query) {
  return std::min(hash::hamming_distance(stored, query.hash),
                  hash::hamming_distance(stored, query.turned_hash));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cardmint-hash-roc: perceptual hash distances on generated photos"};
  std::string catalog_dir = "data/catalog";
  int cards = 150;
  std::uint64_t seed = 7;
  bool json = false;
  app.add_option("--catalog", catalog_dir, "catalog folder with sets.jsonl and cards.jsonl");
  app.add_option("--cards", cards, "cards sampled (each gives one pair of every kind)");
  app.add_option("--seed", seed, "seed");
  app.add_flag("--json", json, "one JSON object");
  CLI11_PARSE(app, argc, argv);

  Result<Catalog> catalog = read_catalog(catalog_dir);
  if (!catalog.ok()) {
    fmt::print(stderr, "cardmint-hash-roc: {}\n", catalog.status().message());
    return 1;
  }
  Result<std::unique_ptr<PhotoGenerator>> generator =
      PhotoGenerator::open(*catalog, FontPool::kAll);
  if (!generator.ok()) {
    fmt::print(stderr, "cardmint-hash-roc: {}\n", generator.status().message());
    return 1;
  }
  std::map<std::string, std::vector<const CatalogCard*>> by_name;
  for (const CatalogCard& c : catalog->cards()) {
    const CatalogSet* set = catalog->find_set(c.set_id);
    if (set != nullptr && is_photographable(c, *set)) by_name[c.name].push_back(&c);
  }

  std::mt19937_64 rng(seed);
  const SceneOptions scene_options;
  std::vector<double> decode_ms, rectify_ms;
  // One photo of `card` drawn from `face_seed` in a fresh scene, hashed as an upload is.
  auto photograph_in = [&](const CatalogCard& card, std::uint64_t face_seed,
                           const SceneParams& scene) -> std::optional<hash::PhotoCardHash> {
    Result<GeneratedPhoto> photo = (*generator)->card_photo_in_scene(card, face_seed, scene);
    if (!photo.ok()) return std::nullopt;
    Result<hash::PhotoCardHash> h = hash::hash_card_in_photo(photo->photo.jpeg, {});
    if (!h.ok()) return std::nullopt;
    decode_ms.push_back(h->decode_ms);
    rectify_ms.push_back(h->rectify_ms);
    return std::move(h).value();
  };
  auto photograph = [&](const CatalogCard& card, std::uint64_t face_seed) {
    return photograph_in(card, face_seed, sample_scene(rng, scene_options));
  };

  PairKind same{"same card", {}, 0}, same_rig{"same rig", {}, 0},
      different{"different cards", {}, 0}, same_name{"same name", {}, 0},
      shared_art{"shared art", {}, 0};
  std::vector<hash::PhotoCardHash> firsts;
  const std::vector<std::size_t> sample = sample_cards(*catalog, std::size_t(cards), rng);
  for (std::size_t index : sample) {
    const CatalogCard& card = catalog->cards()[index];
    const std::uint64_t face_seed = rng();
    const SceneParams scene = sample_scene(rng, scene_options);
    std::optional<hash::PhotoCardHash> a = photograph_in(card, face_seed, scene);
    std::optional<hash::PhotoCardHash> b = photograph(card, face_seed);
    std::optional<hash::PhotoCardHash> c = photograph_in(card, face_seed, jitter_scene(scene, rng));
    if (a && c) {
      same_rig.distances.push_back(lookup_distance(a->hash, *c));
    } else {
      ++same_rig.unhashed;
    }
    if (a && b) {
      same.distances.push_back(lookup_distance(a->hash, *b));
    } else {
      ++same.unhashed;
    }
    if (a) firsts.push_back(*a);

    const std::vector<const CatalogCard*>& namesakes = by_name[card.name];
    const CatalogCard* other = nullptr;
    for (int tries = 0; tries < 8 && namesakes.size() > 1; ++tries) {
      const CatalogCard* pick = namesakes[rng() % namesakes.size()];
      if (pick->id != card.id) {
        other = pick;
        break;
      }
    }
    if (other == nullptr || !a) continue;
    std::optional<hash::PhotoCardHash> own_face = photograph(*other, rng());
    std::optional<hash::PhotoCardHash> same_face = photograph(*other, face_seed);
    if (own_face) {
      same_name.distances.push_back(lookup_distance(a->hash, *own_face));
    } else {
      ++same_name.unhashed;
    }
    if (same_face) {
      shared_art.distances.push_back(lookup_distance(a->hash, *same_face));
    } else {
      ++shared_art.unhashed;
    }
  }
  for (std::size_t i = 0; i + 1 < firsts.size(); ++i)
    for (std::size_t j = i + 1; j < firsts.size(); ++j)
      different.distances.push_back(lookup_distance(firsts[i].hash, firsts[j]));

  const std::vector<PairKind*> kinds = {&same, &same_rig, &different, &same_name, &shared_art};
  nlohmann::json out;
  out["cards"] = cards;
  out["seed"] = seed;
  out["fast_path_ms"] = {{"decode_p50", percentile(decode_ms, 0.5)},
                         {"decode_p99", percentile(decode_ms, 0.99)},
                         {"rectify_hash_p50", percentile(rectify_ms, 0.5)},
                         {"rectify_hash_p99", percentile(rectify_ms, 0.99)}};
  for (PairKind* k : kinds) {
    std::vector<double> d(k->distances.begin(), k->distances.end());
    std::map<int, int> histogram;  // bins of 4 bits
    for (int x : k->distances) ++histogram[x / 4 * 4];
    nlohmann::json h = nlohmann::json::object();
    for (auto [bin, n] : histogram) h[std::to_string(bin)] = n;
    out["kinds"][k->name] = {{"pairs", k->distances.size()},
                             {"unhashed", k->unhashed},
                             {"p1", percentile(d, 0.01)},
                             {"p5", percentile(d, 0.05)},
                             {"p50", percentile(d, 0.5)},
                             {"p95", percentile(d, 0.95)},
                             {"p99", percentile(d, 0.99)},
                             {"max", d.empty() ? 0 : *std::max_element(d.begin(), d.end())},
                             {"histogram_4bit_bins", h}};
  }
  // The share of each kind at or under each threshold.
  for (int t = 0; t <= 48; t += 2) {
    nlohmann::json row = {{"threshold", t}};
    for (PairKind* k : kinds) {
      const auto within =
          std::count_if(k->distances.begin(), k->distances.end(), [t](int x) { return x <= t; });
      row[k->name] = k->distances.empty() ? 0.0 : double(within) / double(k->distances.size());
    }
    out["roc"].push_back(row);
  }
  if (json) {
    fmt::print("{}\n", out.dump());
    return 0;
  }
  fmt::print(
      "fast path (reduced decode; find, rectify 248x346, hash): decode p50 {:.1f} ms, "
      "p99 {:.1f}; rectify+hash p50 {:.1f} ms, p99 {:.1f}\n",
      percentile(decode_ms, 0.5), percentile(decode_ms, 0.99), percentile(rectify_ms, 0.5),
      percentile(rectify_ms, 0.99));
  for (PairKind* k : kinds) {
    const nlohmann::json& s = out["kinds"][k->name];
    fmt::print(
        "{:16} pairs {:6} (unhashed {:3})  p1 {:5.1f} p5 {:5.1f} p50 {:5.1f} p95 {:5.1f} "
        "p99 {:5.1f} max {:5.1f}\n",
        k->name, s["pairs"].get<std::size_t>(), k->unhashed, s["p1"].get<double>(),
        s["p5"].get<double>(), s["p50"].get<double>(), s["p95"].get<double>(),
        s["p99"].get<double>(), s["max"].get<double>());
  }
  fmt::print(
      "\nthreshold  same card  same rig  different cards  same name  shared art   (share "
      "within)\n");
  for (const nlohmann::json& row : out["roc"])
    fmt::print("{:9}  {:9.3f}  {:8.3f}  {:15.5f}  {:9.4f}  {:10.4f}\n", row["threshold"].get<int>(),
               row["same card"].get<double>(), row["same rig"].get<double>(),
               row["different cards"].get<double>(), row["same name"].get<double>(),
               row["shared art"].get<double>());
  return 0;
}
