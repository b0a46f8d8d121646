#include "card_photo/photo_generator.h"

#include <fmt/format.h>

#include <utility>

#include "card_photo/card_face_style.h"
#include "card_photo/printed_number.h"

namespace cardmint::card_photo {

std::uint64_t photo_seed(std::uint64_t base, std::uint64_t index) {
  std::uint64_t z = base + (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Result<std::unique_ptr<PhotoGenerator>> PhotoGenerator::open(const Catalog& catalog, FontPool pool,
                                                             const CardFaceOptions& face_options) {
  Result<std::unique_ptr<FontLibrary>> fonts = FontLibrary::open(pool);
  if (!fonts.ok()) return fonts.status();
  return std::unique_ptr<PhotoGenerator>(
      new PhotoGenerator(catalog, std::move(fonts).value(), face_options));
}

PhotoGenerator::PhotoGenerator(const Catalog& catalog, std::unique_ptr<FontLibrary> fonts,
                               const CardFaceOptions& face_options)
    : catalog_(catalog), fonts_(std::move(fonts)), face_options_(face_options) {}

Result<CardFace> PhotoGenerator::render_face(const CatalogCard& card, const CatalogSet& set,
                                             std::mt19937_64& rng) {
  Result<FaceStyle> style = sample_face_style(card, set, *fonts_, rng);
  if (!style.ok()) return style.status();
  const int subset_total = catalog_.prefix_count(set.id, letter_prefix(card.local_id));
  return render_card_face(card, set, subset_total, *style, *fonts_, face_options_);
}

Result<GeneratedPhoto> PhotoGenerator::card_photo(const CatalogCard& card, std::uint64_t seed,
                                                  const SceneOptions& options) {
  std::mt19937_64 rng(seed);
  const SceneParams scene = sample_scene(rng, options);
  return card_photo_in_scene(card, rng(), scene);
}

Result<GeneratedPhoto> PhotoGenerator::card_photo_in_scene(const CatalogCard& card,
                                                           std::uint64_t seed,
                                                           const SceneParams& scene) {
  const CatalogSet* set = catalog_.find_set(card.set_id);
  if (set == nullptr)
    return Status::not_found(fmt::format("no set '{}' in the catalog", card.set_id));
  std::mt19937_64 rng(seed);
  Result<CardFace> face = render_face(card, *set, rng);
  if (!face.ok()) return face.status();
  Result<Photo> photo = render_photo(&*face, scene);
  if (!photo.ok()) return photo.status();
  GeneratedPhoto out;
  out.photo = std::move(photo).value();
  out.card = &card;
  out.set = set;
  out.face = std::move(face).value();
  out.scene = scene;
  out.seed = seed;
  return out;
}

Result<GeneratedPhoto> PhotoGenerator::empty_photo(std::uint64_t seed,
                                                   const SceneOptions& options) {
  std::mt19937_64 rng(seed);
  SceneParams scene = sample_scene(rng, options);
  scene.distractors = static_cast<int>(rng() % 6);
  Result<Photo> photo = render_photo(nullptr, scene);
  if (!photo.ok()) return photo.status();
  GeneratedPhoto out;
  out.photo = std::move(photo).value();
  out.scene = scene;
  out.seed = seed;
  return out;
}

}  // namespace cardmint::card_photo
