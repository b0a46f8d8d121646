// The cache's keys: the upload digest, the perceptual hash of a card and the reduced-decode path
// that finds the card in a photo, on synthetic faces and desk photos (image/'s test renderer).

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "hash/card_hash.h"
#include "hash/perceptual_hash.h"
#include "hash/photo_card_hash.h"
#include "hash/upload_digest.h"
#include "image/card_photo_for_test.h"
#include "image/image_decoder.h"

namespace cardmint::hash {
namespace {

namespace t = image::test;

std::vector<std::uint8_t> jpeg_of(const cv::Mat& rgb, int quality = 92) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<std::uint8_t> out;
  cv::imencode(".jpg", bgr, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

t::FaceOptions face(const std::string& name, const std::string& number, std::uint32_t seed) {
  t::FaceOptions o;
  o.name = name;
  o.number = number;
  o.seed = seed;
  return o;
}

TEST(UploadDigestTest, TheSameBytesGiveTheSameDigestAndOneByteChangesIt) {
  std::vector<std::uint8_t> bytes(100'000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7919);
  const UploadDigest a = upload_digest(bytes);
  EXPECT_EQ(upload_digest(bytes), a);
  bytes[54'321] ^= 1;
  EXPECT_NE(upload_digest(bytes), a);
  EXPECT_EQ(to_hex(a).size(), 32u);
  EXPECT_NE(upload_digest({}), a);
}

TEST(CardHashTest, HexRoundTripsAndRejectsAnythingElse) {
  const CardHash h{{0x0123456789abcdefULL, 0xfedcba9876543210ULL}};
  EXPECT_EQ(to_hex(h), "0123456789abcdeffedcba9876543210");
  CardHash parsed;
  ASSERT_TRUE(parse_card_hash(to_hex(h), &parsed));
  EXPECT_EQ(parsed, h);
  for (const char* bad : {"", "0123", "0123456789abcdeffedcba987654321g",
                          "0123456789ABCDEFFEDCBA9876543210", "0123456789abcdeffedcba98765432100"})
    EXPECT_FALSE(parse_card_hash(bad, &parsed)) << bad;
  EXPECT_EQ(hamming_distance(h, h), 0);
  EXPECT_EQ(hamming_distance(h, CardHash{{~h.words[0], ~h.words[1]}}), 128);
}

TEST(PerceptualHashTest, LightAndJpegMoveTheHashLittleAnotherCardMovesItFar) {
  const cv::Mat pikachu = t::render_face(face("Pikachu", "58/102", 1));
  Result<CardHash> base = perceptual_hash(t::to_rgb_image(pikachu));
  ASSERT_TRUE(base.ok()) << base.status().to_string();

  // Dimmer, lit from one side, and through JPEG at quality 60.
  cv::Mat lit;
  pikachu.convertTo(lit, CV_32FC3);
  for (int y = 0; y < lit.rows; ++y)
    for (int x = 0; x < lit.cols; ++x) lit.at<cv::Vec3f>(y, x) *= 0.55f + 0.35f * x / lit.cols;
  lit.convertTo(lit, CV_8UC3);
  const cv::Mat recompressed = cv::imdecode(jpeg_of(lit, 60), cv::IMREAD_COLOR);
  cv::Mat relit;
  cv::cvtColor(recompressed, relit, cv::COLOR_BGR2RGB);
  Result<CardHash> same = perceptual_hash(t::to_rgb_image(relit));
  ASSERT_TRUE(same.ok());
  EXPECT_LE(hamming_distance(*base, *same), 8);

  // A different card: another name, number and artwork.
  Result<CardHash> other =
      perceptual_hash(t::to_rgb_image(t::render_face(face("Charizard", "4/102", 2))));
  ASSERT_TRUE(other.ok());
  EXPECT_GE(hamming_distance(*base, *other), 30);

  // The same at a third of the size: what the cache's small rectification sees.
  cv::Mat small;
  cv::resize(pikachu, small, cv::Size(210, 293), 0, 0, cv::INTER_AREA);
  Result<CardHash> smaller = perceptual_hash(t::to_rgb_image(small));
  ASSERT_TRUE(smaller.ok());
  EXPECT_LE(hamming_distance(*base, *smaller), 6);
}

TEST(PerceptualHashTest, TheTurnedHashIsTheHashOfTheCardTurned) {
  const cv::Mat pikachu = t::render_face(face("Pikachu", "58/102", 1));
  cv::Mat turned;
  cv::rotate(pikachu, turned, cv::ROTATE_180);
  Result<CardHashes> both = perceptual_hashes(t::to_rgb_image(pikachu));
  Result<CardHash> of_turned = perceptual_hash(t::to_rgb_image(turned));
  ASSERT_TRUE(both.ok() && of_turned.ok());
  EXPECT_LE(hamming_distance(both->turned, *of_turned), 2);  // rounding in the resize, at most
  EXPECT_GE(hamming_distance(both->upright, both->turned), 30);
  EXPECT_EQ(both->upright, perceptual_hash(t::to_rgb_image(pikachu)).value());
}

TEST(PerceptualHashTest, RejectsEmptyAndTinyPictures) {
  EXPECT_EQ(perceptual_hash(image::RgbImage{}).status().code(), StatusCode::kInvalidInput);
  image::RgbImage tiny{8, 8, std::vector<std::uint8_t>(8 * 8 * 3, 128)};
  EXPECT_EQ(perceptual_hash(tiny).status().code(), StatusCode::kInvalidInput);
  image::RgbImage short_buffer{100, 100, std::vector<std::uint8_t>(10, 0)};
  EXPECT_EQ(perceptual_hash(short_buffer).status().code(), StatusCode::kInvalidInput);
}

TEST(ReducedDecodeTest, DecodesAJpegAtTheSmallestScaleThatKeepsTheLongSide) {
  const cv::Mat desk = t::render_desk(t::Desk::kWood, 1601, 1201, 3);
  const std::vector<std::uint8_t> jpeg = jpeg_of(desk);
  Result<image::RgbImage> half = image::decode_image_reduced(jpeg, {}, 640);
  ASSERT_TRUE(half.ok()) << half.status().to_string();
  EXPECT_EQ(half->width, 801);  // 1601 / 2, rounded up as libjpeg scales
  EXPECT_EQ(half->height, 601);
  Result<image::RgbImage> quarter = image::decode_image_reduced(jpeg, {}, 400);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->width, 401);
  Result<image::RgbImage> whole = image::decode_image_reduced(jpeg, {}, 0);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->width, 1601);
  // The guards still hold: a cut-off file is refused, not painted grey.
  std::vector<std::uint8_t> cut(jpeg.begin(), jpeg.begin() + jpeg.size() / 2);
  EXPECT_EQ(image::decode_image_reduced(cut, {}, 640).status().code(), StatusCode::kUnprocessable);
}

TEST(PhotoCardHashTest, TwoPhotosOfACardHashNearAndADeskAloneHasNoCard) {
  const cv::Mat pikachu = t::render_face(face("Pikachu", "58/102", 1));
  t::PhotoOptions first = t::random_pose(t::Desk::kWood, 11);
  t::PhotoOptions second = t::random_pose(t::Desk::kCloth, 12);
  Result<PhotoCardHash> a = hash_card_in_photo(jpeg_of(t::render_photo(pikachu, first).rgb), {});
  Result<PhotoCardHash> b = hash_card_in_photo(jpeg_of(t::render_photo(pikachu, second).rgb), {});
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_TRUE(b.ok()) << b.status().to_string();
  const int distance =
      std::min(hamming_distance(a->hash, b->hash), hamming_distance(a->hash, b->turned_hash));
  EXPECT_LE(distance, 12);
  EXPECT_EQ(a->card.width, 248);
  EXPECT_EQ(a->card.height, 346);

  const cv::Mat charizard = t::render_face(face("Charizard", "4/102", 2));
  Result<PhotoCardHash> c = hash_card_in_photo(jpeg_of(t::render_photo(charizard, first).rgb), {});
  ASSERT_TRUE(c.ok());
  EXPECT_GT(std::min(hamming_distance(a->hash, c->hash), hamming_distance(a->hash, c->turned_hash)),
            24);

  Result<PhotoCardHash> none =
      hash_card_in_photo(jpeg_of(t::render_desk(t::Desk::kWood, 1600, 1200, 5, 2)), {});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
}

TEST(PhotoCardHashTest, AReferenceScanCroppedToTheCardIsTakenWhole) {
  const cv::Mat pikachu = t::render_face(face("Pikachu", "58/102", 1));
  // A scan: the face edge to edge, nothing around it to find it against.
  Result<PhotoCardHash> scan = hash_reference_image(jpeg_of(pikachu), {});
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  Result<PhotoCardHash> photo = hash_card_in_photo(
      jpeg_of(t::render_photo(pikachu, t::random_pose(t::Desk::kWood, 11)).rgb), {});
  ASSERT_TRUE(photo.ok());
  EXPECT_LE(std::min(hamming_distance(scan->hash, photo->hash),
                     hamming_distance(scan->hash, photo->turned_hash)),
            12);
  // Square: not a card's shape, and no card in it.
  const cv::Mat square = t::render_desk(t::Desk::kLight, 700, 700, 9);
  EXPECT_EQ(hash_reference_image(jpeg_of(square), {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cardmint::hash
