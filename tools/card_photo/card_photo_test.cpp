// End-to-end checks of the generator on a small in-memory catalog: face geometry, printed
// numbers on the face, determinism, ground truth against the pixels, and photos without a card.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "card_photo/card_face_renderer.h"
#include "card_photo/card_face_style.h"
#include "card_photo/card_sampler.h"
#include "card_photo/catalog_fixtures.h"
#include "card_photo/manifest.h"
#include "card_photo/photo_generator.h"
#include "card_photo/scene_geometry.h"

namespace cardmint::card_photo {
namespace {

Catalog test_catalog() {
  std::vector<CatalogSet> sets = {
      fixture_set("base1", "base", 102, "1999-01-09", "BS"),
      fixture_set("swsh10tg", "swsh", 30, "2022-05-27", "ASR:TG"),
      fixture_set("swshp", "swsh", 307, "2019-11-15"),
      fixture_set("sv01", "sv", 198, "2023-03-31", "SVI"),
      fixture_set("xy2", "xy", 106, "2014-05-07", "FLF"),
      fixture_set("A1", "tcgp", 226, "2024-10-30", "", /*digital=*/true),
      fixture_set("cel25cc", "swsh", 25, "2021-10-08", "CEL:CC"),
  };
  std::vector<CatalogCard> cards = {
      fixture_card("base1", "4", "Charizard", "Fire"),
      fixture_card("swsh10tg", "TG05", "Gardevoir", "Psychic"),
      fixture_card("swshp", "SWSH050", "Eevee", "Colorless", "Promo"),
      fixture_card("sv01", "201", "Pikachu", "Lightning", "Hyper rare"),
      fixture_card("xy2", "64", "Flabébé", "Fairy", "Common"),
      fixture_card("base1", "55", "Nidoran♀", "Grass", "Common"),
      fixture_card("A1", "1", "Bulbasaur", "Grass", "One Diamond"),
      fixture_card("cel25cc", "CC001", "Charizard", "Fire", "Classic Collection"),
  };
  cards[1].regulation_mark = "F";
  cards[3].regulation_mark = "G";
  return Catalog(std::move(sets), std::move(cards));
}

class CardPhotoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<PhotoGenerator>> g = PhotoGenerator::open(catalog_, FontPool::kAll);
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    generator_ = std::move(g).value();
    Result<std::unique_ptr<FontLibrary>> f = FontLibrary::open(FontPool::kAll);
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    fonts_ = std::move(f).value();
  }

  Result<CardFace> face_for(std::string_view id, std::uint64_t seed, int height = 1056) {
    const CatalogCard& card = *catalog_.find_card(id);
    const CatalogSet& set = *catalog_.find_set(card.set_id);
    std::mt19937_64 rng(seed);
    Result<FaceStyle> style = sample_face_style(card, set, *fonts_, rng);
    if (!style.ok()) return style.status();
    return render_card_face(card, set, catalog_.prefix_count(set.id, letter_prefix(card.local_id)),
                            *style, *fonts_, {height});
  }

  const CatalogCard& card(std::string_view id) { return *catalog_.find_card(id); }

  Catalog catalog_ = test_catalog();
  std::unique_ptr<PhotoGenerator> generator_;
  std::unique_ptr<FontLibrary> fonts_;
};

TEST_F(CardPhotoTest, FaceHasTheCardAspectAndRoundedCorners) {
  for (int height : {880, 1056}) {
    Result<CardFace> face = face_for("base1-4", 7, height);
    ASSERT_TRUE(face.ok()) << face.status().to_string();
    EXPECT_EQ(face->bgr.rows, height);
    EXPECT_EQ(face->bgr.cols, height * 63 / 88);
    EXPECT_EQ(face->bgr.type(), CV_8UC3);
    EXPECT_EQ(face->alpha.size(), face->bgr.size());
    EXPECT_EQ(face->alpha.at<std::uint8_t>(0, 0), 0);
    EXPECT_EQ(face->alpha.at<std::uint8_t>(height - 1, face->bgr.cols - 1), 0);
    EXPECT_EQ(face->alpha.at<std::uint8_t>(height / 2, face->bgr.cols / 2), 255);
    EXPECT_EQ(face->alpha.at<std::uint8_t>(height / 2, 0), 255);
  }
  EXPECT_EQ(face_for("base1-4", 7, 100).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(face_for("cel25cc-CC001", 7).status().code(), StatusCode::kUnprocessable);
}

TEST_F(CardPhotoTest, FacePrintsTheEraNumberWhereTheEraPutsIt) {
  const std::pair<const char*, const char*> expected[] = {{"base1-4", "4/102"},
                                                          {"swsh10tg-TG05", "TG05/TG30"},
                                                          {"swshp-SWSH050", "SWSH050"},
                                                          {"sv01-201", "201/198"},
                                                          {"xy2-64", "64/106"}};
  for (const auto& [id, number] : expected) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      Result<CardFace> face = face_for(id, seed);
      ASSERT_TRUE(face.ok()) << id << ": " << face.status().to_string();
      const double w = face->bgr.cols, h = face->bgr.rows;
      EXPECT_EQ(face->printed_number, number);
      ASSERT_FALSE(face->number_box.empty()) << id;
      ASSERT_FALSE(face->name_box.empty()) << id;
      EXPECT_LT(face->name_box.br().y, 0.13 * h) << id;
      EXPECT_GT(face->number_box.y, 0.86 * h) << id;
      EXPECT_LT(face->number_box.br().y, h) << id;
      const double number_center = face->number_box.x + face->number_box.width / 2.0;
      EXPECT_EQ(number_center < w / 2, face->style.number_on_left) << id;
      // Digits are ~0.7 of the font size: about 1.5 mm of the 88 mm card, never a headline.
      const double font_px = face->style.number_height * h;
      EXPECT_GT(face->number_box.height, 0.45 * font_px) << id;
      EXPECT_LT(face->number_box.height, 1.3 * font_px) << id;
      EXPECT_LT(face->number_box.height, 0.03 * h) << id;
    }
  }
}

TEST_F(CardPhotoTest, NamesWithAccentsAndGenderSymbolsRender) {
  for (const char* id : {"xy2-64", "base1-55"}) {
    Result<CardFace> face = face_for(id, 11);
    ASSERT_TRUE(face.ok()) << face.status().to_string();
    EXPECT_GT(face->name_box.width, 40) << id;
    EXPECT_TRUE(fonts_->covers(face->style.name_font, card(id).name)) << face->name_font_family;
  }
}

TEST_F(CardPhotoTest, SameSeedGivesTheSameJpegBytes) {
  Result<GeneratedPhoto> a = generator_->card_photo(card("sv01-201"), 42, {});
  Result<GeneratedPhoto> b = generator_->card_photo(card("sv01-201"), 42, {});
  Result<GeneratedPhoto> c = generator_->card_photo(card("sv01-201"), 43, {});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_FALSE(a->photo.jpeg.empty());
  EXPECT_EQ(a->photo.jpeg, b->photo.jpeg);
  EXPECT_NE(a->photo.jpeg, c->photo.jpeg);
  EXPECT_EQ(manifest_line("x.jpg", *a), manifest_line("x.jpg", *b));
}

TEST_F(CardPhotoTest, GroundTruthCornersMatchThePixels) {
  SceneOptions options;
  options.style = SceneStyle::kClean;
  options.area_fraction = 0.4;
  const std::pair<std::uint64_t, double> cases[] = {{3, 0.0}, {4, 90.0}, {5, 180.0}};
  for (const auto& [seed, rotation] : cases) {
    options.rotation_deg = rotation;
    Result<GeneratedPhoto> g = generator_->card_photo(card("base1-4"), seed, options);
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    const PhotoTruth& t = g->photo.truth;
    ASSERT_TRUE(t.has_card);
    EXPECT_NEAR(t.area_fraction, 0.4, 1e-6);
    EXPECT_NEAR(std::abs(signed_area(t.corners)) / g->photo.bgr.total(), 0.4, 1e-6);
    // Rectify the photo with the ground truth and compare it with the face that was drawn.
    const CardFace& face = *g->face;
    const cv::Point2f src[4] = {cv::Point2f(t.corners[0]), cv::Point2f(t.corners[1]),
                                cv::Point2f(t.corners[2]), cv::Point2f(t.corners[3])};
    const float fw = static_cast<float>(face.bgr.cols), fh = static_cast<float>(face.bgr.rows);
    const cv::Point2f dst[4] = {{0, 0}, {fw, 0}, {fw, fh}, {0, fh}};
    cv::Mat rectified, gray_rect, gray_face;
    cv::warpPerspective(g->photo.bgr, rectified, cv::getPerspectiveTransform(src, dst),
                        face.bgr.size());
    cv::cvtColor(rectified, gray_rect, cv::COLOR_BGR2GRAY);
    cv::cvtColor(face.bgr, gray_face, cv::COLOR_BGR2GRAY);
    const cv::Rect inner(face.bgr.cols / 10, face.bgr.rows / 10, face.bgr.cols * 8 / 10,
                         face.bgr.rows * 8 / 10);
    cv::Mat score;
    cv::matchTemplate(gray_rect(inner), gray_face(inner), score, cv::TM_CCOEFF_NORMED);
    EXPECT_GT(score.at<float>(0, 0), 0.8) << "seed " << seed << " rotation " << rotation;
    // The same comparison with the card turned upside down must fail: the test can tell.
    cv::Mat flipped;
    cv::rotate(gray_face, flipped, cv::ROTATE_180);
    cv::matchTemplate(gray_rect(inner), flipped(inner), score, cv::TM_CCOEFF_NORMED);
    EXPECT_LT(score.at<float>(0, 0), 0.6);
  }
}

TEST_F(CardPhotoTest, VariedPhotosKeepTheCardInsideTheFrame) {
  for (std::uint64_t seed = 100; seed < 103; ++seed) {
    Result<GeneratedPhoto> g = generator_->card_photo(card("swsh10tg-TG05"), seed, {});
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    const PhotoTruth& t = g->photo.truth;
    const cv::Mat& img = g->photo.bgr;
    for (const cv::Point2d& c : t.corners) {
      EXPECT_GE(c.x, 0);
      EXPECT_GE(c.y, 0);
      EXPECT_LE(c.x, img.cols);
      EXPECT_LE(c.y, img.rows);
    }
    EXPECT_TRUE(is_convex(t.corners));
    EXPECT_GT(signed_area(t.corners), 0);
    EXPECT_NEAR(std::abs(signed_area(t.corners)) / img.total(), t.area_fraction, 1e-6);
    EXPECT_LE(t.area_fraction, g->scene.pose.area_fraction + 1e-9);
    EXPECT_GE(t.area_fraction, 0.2);
    const cv::Mat decoded = cv::imdecode(g->photo.jpeg, cv::IMREAD_COLOR);
    EXPECT_EQ(decoded.size(), img.size());
  }
}

TEST_F(CardPhotoTest, PhotosWithoutACardSayNoCard) {
  Result<GeneratedPhoto> g = generator_->empty_photo(5, {});
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_FALSE(g->photo.truth.has_card);
  EXPECT_EQ(g->card, nullptr);
  EXPECT_FALSE(g->face.has_value());
  EXPECT_FALSE(g->photo.jpeg.empty());
  const nlohmann::json j = nlohmann::json::parse(manifest_line("0001.jpg", *g));
  EXPECT_TRUE(j["card_id"].is_null());
  EXPECT_TRUE(j["corners"].is_null());
  EXPECT_FALSE(j.contains("printed_number"));
  EXPECT_EQ(j["width"], g->photo.bgr.cols);
}

TEST_F(CardPhotoTest, ManifestCarriesTheGroundTruth) {
  Result<GeneratedPhoto> g = generator_->card_photo(card("swshp-SWSH050"), 9, {});
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  const nlohmann::json j = nlohmann::json::parse(manifest_line("0007.jpg", *g));
  EXPECT_EQ(j["file"], "0007.jpg");
  EXPECT_EQ(j["card_id"], "swshp-SWSH050");
  EXPECT_EQ(j["printed_number"], "SWSH050");
  EXPECT_EQ(j["pool"], "promo");
  EXPECT_TRUE(std::set<std::string>({"normal", "holo", "reverse"}).contains(j["finish"]));
  ASSERT_EQ(j["corners"].size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(j["corners"][i][0].get<double>(), g->photo.truth.corners[i].x, 0.01);
    EXPECT_NEAR(j["corners"][i][1].get<double>(), g->photo.truth.corners[i].y, 0.01);
  }
  ASSERT_EQ(j["number_quad"].size(), 4u);
  EXPECT_EQ(j["scene"]["jpeg_quality"], g->scene.jpeg_quality);
  EXPECT_EQ(j["seed"].get<std::uint64_t>(), g->seed);
  EXPECT_FALSE(j.contains("scan_order"));
  // A binder scan's photo says where in the scan it is.
  EXPECT_EQ(nlohmann::json::parse(manifest_line("0003.jpg", *g, 3))["scan_order"], 3);
}

TEST_F(CardPhotoTest, SamplerSkipsDigitalAndUnknownNumbers) {
  std::mt19937_64 rng(1);
  const std::vector<std::size_t> picked = sample_cards(catalog_, 60, rng);
  EXPECT_EQ(picked.size(), 60u);
  std::set<std::string> distinct;
  for (std::size_t i : picked) {
    const CatalogCard& c = catalog_.cards()[i];
    EXPECT_NE(c.set_id, "A1");
    EXPECT_NE(c.set_id, "cel25cc");
    distinct.insert(c.id);
  }
  EXPECT_EQ(distinct.size(), 6u);  // every photographable card, then repeats
  std::mt19937_64 few(2);
  const std::vector<std::size_t> three = sample_cards(catalog_, 3, few);
  EXPECT_EQ(std::set<std::size_t>(three.begin(), three.end()).size(), 3u);
}

}  // namespace
}  // namespace cardmint::card_photo
