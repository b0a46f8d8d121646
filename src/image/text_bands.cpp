#include "image/text_bands.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// Fractions of the canonical card (63x88 mm). The name's cap line sits ~4% from the top on
// modern cards and ~6% on classic ones, its baseline at ~9-10%; the number line is ~95-96% down,
// with the illustrator line just above it on modern cards. Each band has ~3% of slack either way.
constexpr double kNameX0 = 0.03, kNameX1 = 0.97, kNameY0 = 0.0, kNameY1 = 0.14;
constexpr double kStripX0 = 0.03, kStripX1 = 0.97, kStripY0 = 0.875, kStripY1 = 0.995;
// Where an outline lay on a silver border's inner edge, the number line sits at the card
// image's foot, cut: the strip read on past it into the photo.
constexpr double kStripPastEdgeY1 = 1.035;
// The art ends 46-55% down (classic cards highest); the body runs to the weakness row.
constexpr double kBodyX0 = 0.03, kBodyX1 = 0.97, kBodyY0 = 0.45, kBodyY1 = 0.875;

// The band between fractions (x0, y0) and (x1, y1) of a card `width` x `height` px.
BandRect rect_of(int width, int height, double x0, double y0, double x1, double y1) {
  BandRect r;
  r.x = int(std::lround(x0 * width));
  r.y = int(std::lround(y0 * height));
  r.width = std::max(1, int(std::lround(x1 * width)) - r.x);
  r.height = std::max(1, int(std::lround(y1 * height)) - r.y);
  return r;
}

RgbImage crop(const RgbImage& card, const BandRect& r) {
  RgbImage out;
  out.width = r.width;
  out.height = r.height;
  out.pixels.resize(std::size_t(r.width) * std::size_t(r.height) * 3);
  const std::size_t row_bytes = std::size_t(r.width) * 3;
  for (int y = 0; y < r.height; ++y) {
    const std::size_t src = (std::size_t(r.y + y) * std::size_t(card.width) + std::size_t(r.x)) * 3;
    std::copy_n(card.pixels.begin() + std::ptrdiff_t(src), row_bytes,
                out.pixels.begin() + std::ptrdiff_t(std::size_t(y) * row_bytes));
  }
  return out;
}

// True when the print is darker than its background. The background is most of a line crop, so
// a median brighter than the midpoint of the value range means dark print.
bool dark_print(const cv::Mat& gray) {
  std::vector<std::uint8_t> values(gray.begin<std::uint8_t>(), gray.end<std::uint8_t>());
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2),
                   values.end());
  const int median = values[values.size() / 2];
  double lowest = 0, highest = 0;
  cv::minMaxLoc(gray, &lowest, &highest);
  return median >= (lowest + highest) / 2;
}

// Richardson-Lucy deconvolution of an 8-bit grey line under a Gaussian blur of `sigma` px. It
// works on ink as the bright signal (mostly zero, as the method's non-negative model suits
// best), so dark print is turned over for it and back after.
cv::Mat deblurred(const cv::Mat& gray, double sigma) {
  // Enough to restore strokes from a blur of a few pixels; more amplifies grain into specks.
  constexpr int kIterations = 20;
  constexpr float kFloor = 0.01f;  // keeps the ratio finite where the estimate is blank
  const bool dark = dark_print(gray);
  cv::Mat observed;
  gray.convertTo(observed, CV_32F, dark ? -1.0 / 255 : 1.0 / 255, dark ? 1.0 : 0.0);
  observed += kFloor;
  cv::Mat estimate = observed.clone(), reblurred, ratio;
  for (int i = 0; i < kIterations; ++i) {
    cv::GaussianBlur(estimate, reblurred, cv::Size(), sigma);
    cv::divide(observed, cv::max(reblurred, kFloor), ratio);
    cv::GaussianBlur(ratio, ratio, cv::Size(), sigma);
    estimate = estimate.mul(ratio);
  }
  estimate -= kFloor;
  cv::Mat out;
  estimate.convertTo(out, CV_8U, dark ? -255.0 : 255.0, dark ? 255.0 : 0.0);
  return out;
}

}  // namespace

Result<TextBands> crop_text_bands(const RgbImage& card) {
  if (Status s = check_rgb_image(card, "card image"); !s.ok()) return s;
  // Below ~100 px of height the 1.5 mm number would be under 2 px: nothing to read.
  if (card.width < 64 || card.height < 100) {
    return Status::invalid_input(
        fmt::format("card image is {}x{}, too small to crop text from", card.width, card.height));
  }
  TextBands bands;
  bands.name_rect = rect_of(card.width, card.height, kNameX0, kNameY0, kNameX1, kNameY1);
  bands.number_strip_rect =
      rect_of(card.width, card.height, kStripX0, kStripY0, kStripX1, kStripY1);
  bands.body_rect = rect_of(card.width, card.height, kBodyX0, kBodyY0, kBodyX1, kBodyY1);
  bands.name = crop(card, bands.name_rect);
  bands.number_strip = crop(card, bands.number_strip_rect);
  bands.body = crop(card, bands.body_rect);
  return bands;
}

Result<RgbImage> crop_number_strip_past_edge(const RgbImage& surround, int margin) {
  if (Status s = check_rgb_image(surround, "card surround"); !s.ok()) return s;
  const int width = surround.width - 2 * margin, height = surround.height - 2 * margin;
  if (margin < 0 || width < 64 || height < 100) {
    return Status::invalid_input(
        fmt::format("card surround is {}x{} with a {} px margin, too small to crop text from",
                    surround.width, surround.height, margin));
  }
  BandRect r = rect_of(width, height, kStripX0, kStripY0, kStripX1, kStripPastEdgeY1);
  r.x += margin;
  r.y += margin;
  r.height = std::min(r.height, surround.height - r.y);
  return crop(surround, r);
}

Result<RgbImage> enhance_for_ocr(const RgbImage& band, const EnhanceOptions& options) {
  if (Status s = check_rgb_image(band, "text band"); !s.ok()) return s;
  if (!(options.scale > 0 && options.scale <= 8)) {
    return Status::invalid_input(fmt::format("enhance scale {} is outside (0, 8]", options.scale));
  }
  if (!(options.clahe_clip_limit > 0)) {
    return Status::invalid_input("CLAHE clip limit must be positive");
  }
  if (!(options.deblur_sigma >= 0 && options.deblur_sigma <= 16)) {
    return Status::invalid_input(
        fmt::format("deblur sigma {} is outside [0, 16]", options.deblur_sigma));
  }
  try {
    cv::Mat gray;
    cv::cvtColor(view_of(band), gray, cv::COLOR_RGB2GRAY);
    if (options.strongest_channel) {
      // Grey print on orange or yellow card stock is faint in luminance but stark in the
      // stock's own colour channel; in a tight line crop the spread of a plane's values is
      // mostly print against background, so the plane that spreads widest shows the print best.
      std::vector<cv::Mat> planes;
      cv::split(view_of(band), planes);
      cv::Scalar mean, spread;
      cv::meanStdDev(gray, mean, spread);
      double widest = spread[0];
      for (cv::Mat& plane : planes) {
        cv::meanStdDev(plane, mean, spread);
        if (spread[0] > widest * 1.15) {
          widest = spread[0];
          gray = plane;
        }
      }
    }
    if (options.scale != 1.0) {
      const int w = std::max(1, int(std::lround(band.width * options.scale)));
      const int h = std::max(1, int(std::lround(band.height * options.scale)));
      cv::resize(gray, gray, cv::Size(w, h), 0, 0,
                 options.scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
    }
    // Tiles of ~64 px: a few glyphs each, so one glare patch or shadow edge gets its own curve.
    const cv::Size tiles(std::clamp(gray.cols / 64, 1, 16), std::clamp(gray.rows / 64, 1, 16));
    cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(options.clahe_clip_limit, tiles);
    cv::Mat equalised;
    clahe->apply(gray, equalised);
    if (options.deblur_sigma > 0) equalised = deblurred(equalised, options.deblur_sigma);
    if (options.binarize) {
      // Print may be dark on light or light on dark. The background is most of a line crop, so
      // a median darker than the midpoint of the range means light print: turned over first, so
      // the threshold (a window of a few strokes, odd as OpenCV requires) marks it as black ink.
      if (!dark_print(equalised)) cv::bitwise_not(equalised, equalised);
      const int window = (std::max(15, equalised.rows / 2)) | 1;
      cv::adaptiveThreshold(equalised, equalised, 255, cv::ADAPTIVE_THRESH_GAUSSIAN_C,
                            cv::THRESH_BINARY, window, 8);
    }
    cv::Mat rgb;
    cv::cvtColor(equalised, rgb, cv::COLOR_GRAY2RGB);
    return rgb_image_of(rgb);
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("text enhancement failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory enhancing a text band");
  }
}

}  // namespace cardmint::image
