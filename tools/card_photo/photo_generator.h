#pragma once
// One call per photo: pick the look of the card face, render it, sample a scene and shoot it.
// Everything follows from a 64-bit seed, so a data set is reproducible photo by photo (photo n of
// a set uses photo_seed(set_seed, n) and does not depend on the photos before it).
// Not thread-safe: owns a FontLibrary. Use one PhotoGenerator per thread.

#include <cstdint>
#include <memory>
#include <optional>

#include "base/status.h"
#include "card_photo/card_face_renderer.h"
#include "card_photo/catalog_reader.h"
#include "card_photo/font_library.h"
#include "card_photo/photo_scene.h"

namespace cardmint::card_photo {

struct GeneratedPhoto {
  Photo photo;
  const CatalogCard* card = nullptr;  // null for a photo without a card; points into the catalog
  const CatalogSet* set = nullptr;
  std::optional<CardFace> face;
  SceneParams scene;
  std::uint64_t seed = 0;
};

// SplitMix64 of base and index: independent, well-mixed seeds for photo n of a set.
std::uint64_t photo_seed(std::uint64_t base, std::uint64_t index);

class PhotoGenerator {
 public:
  // Borrows `catalog`, which must outlive the generator. Errors: those of FontLibrary::open.
  [[nodiscard]] static Result<std::unique_ptr<PhotoGenerator>> open(
      const Catalog& catalog, FontPool pool, const CardFaceOptions& face_options = {});

  // Renders `card` in a scene sampled from `seed` and `options`. Errors: not_found for a card
  // whose set is not in the catalog; unprocessable when the card cannot be drawn (no font has
  // its glyphs, or its printed number is unknown).
  [[nodiscard]] Result<GeneratedPhoto> card_photo(const CatalogCard& card, std::uint64_t seed,
                                                  const SceneOptions& options);
  // The same with a given scene (sequential scans share one table and light).
  [[nodiscard]] Result<GeneratedPhoto> card_photo_in_scene(const CatalogCard& card,
                                                           std::uint64_t seed,
                                                           const SceneParams& scene);
  // The table alone, often with other objects on it.
  [[nodiscard]] Result<GeneratedPhoto> empty_photo(std::uint64_t seed, const SceneOptions& options);

  const Catalog& catalog() const { return catalog_; }
  const FontLibrary& fonts() const { return *fonts_; }

 private:
  PhotoGenerator(const Catalog& catalog, std::unique_ptr<FontLibrary> fonts,
                 const CardFaceOptions& face_options);
  [[nodiscard]] Result<CardFace> render_face(const CatalogCard& card, const CatalogSet& set,
                                             std::mt19937_64& rng);

  const Catalog& catalog_;
  std::unique_ptr<FontLibrary> fonts_;
  const CardFaceOptions face_options_;
};

}  // namespace cardmint::card_photo
