#include "image/text_lines.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// A character's box is at most this wide for its height ("W", "m", "%"); wider blobs are bars,
// borders or merged texture.
constexpr double kMaxCharAspect = 1.6;
constexpr double kWideBlobAspect = 0.6;
constexpr double kSolidBlobMinFill = 0.8;
constexpr double kFrameBlobMaxFill = 0.18;
// Neighbours on one line: heights within this ratio, centres within this share of the height,
// and a gap of at most this many heights (word spaces are ~0.3-0.6 heights, but MSER can miss a
// faint glyph).
constexpr double kMaxHeightRatio = 1.6;
constexpr double kMaxCentreOffset = 0.45;
constexpr double kMaxGap = 1.6;
// A box mostly inside a larger one is that glyph again (nested MSER thresholds) unless the larger
// one is over four times its size.
constexpr double kSwallowedGlyphShare = 0.25;

struct Blob {
  cv::Rect box;
  double cy() const { return box.y + box.height / 2.0; }
};

int find_root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

bool same_line(const Blob& a, const Blob& b) {
  const double ha = a.box.height, hb = b.box.height;
  if (std::max(ha, hb) / std::min(ha, hb) > kMaxHeightRatio) return false;
  const double h = std::max(ha, hb);
  if (std::abs(a.cy() - b.cy()) > kMaxCentreOffset * h) return false;
  const int gap =
      std::max(a.box.x, b.box.x) - std::min(a.box.x + a.box.width, b.box.x + b.box.width);
  return gap <= kMaxGap * h;
}

// MSER finds both dark-on-light and light-on-dark blobs, largest first here; one glyph comes back
// several times (nested thresholds, two channels), which distinct_blobs() sorts out.
// Two channels: luminance, and the brightest of R, G, B. Dark print on a saturated card colour
// (grey on orange or yellow) is faint in luminance but stark in the card colour's own channel.
std::vector<Blob> all_character_blobs(const cv::Mat& rgb, const TextLineOptions& options) {
  const int min_h = options.min_char_height, max_h = options.max_char_height;
  cv::Ptr<cv::MSER> mser =
      cv::MSER::create(/*delta=*/3, /*min_area=*/std::max(6, min_h * min_h / 8),
                       /*max_area=*/max_h * max_h * 2, /*max_variation=*/0.5);
  cv::Mat gray, brightest;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  std::vector<cv::Mat> channels;
  cv::split(rgb, channels);
  cv::max(channels[0], channels[1], brightest);
  cv::max(brightest, channels[2], brightest);
  std::vector<Blob> blobs;
  for (const cv::Mat& plane : {gray, brightest}) {
    std::vector<std::vector<cv::Point>> regions;
    std::vector<cv::Rect> boxes;
    mser->detectRegions(plane, regions, boxes);
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      const cv::Rect& r = boxes[i];
      if (r.height < min_h || r.height > max_h) continue;
      if (r.width > kMaxCharAspect * r.height) continue;
      // A wide blob that fills its box is a plate or an energy symbol, and one that is little
      // more than its outline is a frame (the "BASIC" badge): wide letters ("M", "W", "O") fill
      // a fair share of their box. Kept, such a blob glues the badge to the name beside it.
      const double fill = double(regions[i].size()) / double(r.area());
      if (r.width > kWideBlobAspect * r.height &&
          (fill > kSolidBlobMinFill || fill < kFrameBlobMaxFill))
        continue;
      blobs.push_back({r});
    }
  }
  std::sort(blobs.begin(), blobs.end(),
            [](const Blob& a, const Blob& b) { return a.box.area() > b.box.area(); });
  return blobs;
}

// `blobs` (largest first) without those mostly covered by a larger one kept, unless that one is
// over 1 / min_share times larger: a region that swallowed several glyphs and the ground
// between them is no glyph of theirs. min_share 0: every covered box goes.
std::vector<Blob> distinct_blobs(const std::vector<Blob>& blobs, double min_share) {
  std::vector<Blob> kept;
  for (const Blob& b : blobs) {
    const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const Blob& k) {
      return (k.box & b.box).area() >= 0.7 * b.box.area() &&
             b.box.area() >= min_share * k.box.area();
    });
    if (!duplicate) kept.push_back(b);
  }
  return kept;
}

// Blobs on one line grouped, each group of two or more one TextLine.
std::vector<TextLine> group_into_lines(const std::vector<Blob>& blobs) {
  std::vector<int> parent(blobs.size());
  std::iota(parent.begin(), parent.end(), 0);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    for (std::size_t j = i + 1; j < blobs.size(); ++j) {
      if (same_line(blobs[i], blobs[j])) {
        parent[std::size_t(find_root(parent, int(i)))] = find_root(parent, int(j));
      }
    }
  }
  std::vector<std::vector<int>> groups(blobs.size());
  for (std::size_t i = 0; i < blobs.size(); ++i)
    groups[std::size_t(find_root(parent, int(i)))].push_back(int(i));

  std::vector<TextLine> lines;
  for (const std::vector<int>& group : groups) {
    // One blob is a stray mark or an energy symbol; every number and name has two or more.
    if (group.size() < 2) continue;
    cv::Rect box = blobs[std::size_t(group[0])].box;
    std::vector<int> heights;
    for (int i : group) {
      box |= blobs[std::size_t(i)].box;
      heights.push_back(blobs[std::size_t(i)].box.height);
    }
    std::nth_element(heights.begin(), heights.begin() + std::ptrdiff_t(heights.size() / 2),
                     heights.end());
    TextLine line;
    line.box = {box.x, box.y, box.width, box.height};
    line.char_height = heights[heights.size() / 2];
    line.characters = int(group.size());
    lines.push_back(line);
  }
  return lines;
}

cv::Rect rect_of(const TextLine& line) {
  return {line.box.x, line.box.y, line.box.width, line.box.height};
}

}  // namespace

Result<std::vector<TextLine>> find_text_lines(const RgbImage& band,
                                              const TextLineOptions& options) {
  if (Status s = check_rgb_image(band, "text band"); !s.ok()) return s;
  if (options.min_char_height < 3 || options.max_char_height < options.min_char_height) {
    return Status::invalid_input(fmt::format("character heights {}-{} px are not a range",
                                             options.min_char_height, options.max_char_height));
  }
  try {
    const std::vector<Blob> blobs = all_character_blobs(view_of(band), options);
    std::vector<TextLine> lines = group_into_lines(distinct_blobs(blobs, 0));
    if (options.find_swallowed_lines) {
      for (const TextLine& extra : group_into_lines(distinct_blobs(blobs, kSwallowedGlyphShare))) {
        const cv::Rect e = rect_of(extra);
        const bool known = std::any_of(lines.begin(), lines.end(), [&](const TextLine& l) {
          return (rect_of(l) & e).area() > 0;
        });
        if (!known) lines.push_back(extra);
      }
    }
    std::sort(lines.begin(), lines.end(), [](const TextLine& a, const TextLine& b) {
      const int ay = a.box.y + a.box.height / 2, by = b.box.y + b.box.height / 2;
      if (std::abs(ay - by) > std::min(a.char_height, b.char_height) / 2) return ay < by;
      return a.box.x < b.box.x;
    });
    return lines;
  } catch (const cv::Exception& e) {
    return Status::internal(fmt::format("text line search failed in OpenCV: {}", e.err));
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory finding text lines");
  }
}

RgbImage crop_text_line(const RgbImage& band, const TextLine& line) {
  // The box itself, grown by a sliver for anti-aliased edges, then padded with the background's
  // colour rather than with more of the band: the stage line above a name or the art frame below
  // it, half in view, turn Tesseract's single-line mode to junk.
  const int sliver = std::max(2, line.char_height / 8);
  const cv::Rect wanted(line.box.x - sliver, line.box.y - sliver, line.box.width + 2 * sliver,
                        line.box.height + 2 * sliver);
  const cv::Mat tight = view_of(band)(wanted & cv::Rect(0, 0, band.width, band.height));
  // The median of the crop's rim: the rim is background but for where glyphs touch it.
  std::vector<cv::Vec3b> rim;
  for (int x = 0; x < tight.cols; ++x) {
    rim.push_back(tight.at<cv::Vec3b>(0, x));
    rim.push_back(tight.at<cv::Vec3b>(tight.rows - 1, x));
  }
  for (int y = 0; y < tight.rows; ++y) {
    rim.push_back(tight.at<cv::Vec3b>(y, 0));
    rim.push_back(tight.at<cv::Vec3b>(y, tight.cols - 1));
  }
  cv::Scalar fill;
  for (int c = 0; c < 3; ++c) {
    std::vector<std::uint8_t> channel;
    for (const cv::Vec3b& p : rim) channel.push_back(p[c]);
    std::nth_element(channel.begin(), channel.begin() + std::ptrdiff_t(channel.size() / 2),
                     channel.end());
    fill[c] = channel[channel.size() / 2];
  }
  const int pad_y = std::max(2, line.char_height / 2);
  const int pad_x = std::max(4, line.char_height);
  cv::Mat padded;
  cv::copyMakeBorder(tight, padded, pad_y, pad_y, pad_x, pad_x,
                     cv::BORDER_CONSTANT | cv::BORDER_ISOLATED, fill);
  return rgb_image_of(padded);
}

Result<RgbImage> text_line_for_ocr(const RgbImage& band, const TextLine& line, double char_height,
                                   EnhanceOptions style) {
  style.scale = std::clamp(char_height / std::max(1, line.char_height), 0.5, 4.0);
  style.strongest_channel = true;
  return enhance_for_ocr(crop_text_line(band, line), style);
}

}  // namespace cardmint::image
