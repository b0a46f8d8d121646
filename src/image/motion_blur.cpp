#include "image/motion_blur.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "image/cv_interop.h"

namespace cardmint::image {
namespace {

// Paths longer than this are not searched: no text survives them, and the cepstrum's dip
// weakens with length while its neighbourhood's noise does not.
constexpr int kMaxPathPx = 24;
// The cepstrum is taken over at most this square of the picture's centre: it bounds the FFT's
// cost, and on a rectified card it holds the art, name and text, which carry the spectral zeros.
constexpr int kMaxWindowPx = 1024;
// A dip must stand this many standard deviations below the searched disc, and the picture must
// have lost this much more detail along the dip's direction than across it (anisotropy, below),
// to count as blur. Sharp print whose letters space out evenly makes a dip too, but keeps its
// detail in every direction, and a smear keeps the detail across its path. On rectified cards of
// the development set and five generated seeds (950 photos, warped by their true corners), of
// the 81 smeared 7 px or more 25 passed the dip alone at 5 with 5 of the 830 unsmeared, while a
// dip of 2.5 with an anisotropy of 1.5 passes 65 of them and 1 of the others (a smear of 12 px
// or more leaves a shallower dip: 2-4).
constexpr double kMinStrength = 2.5;
constexpr double kMinAnisotropy = 1.5;
// Where the anisotropy is measured: spatial frequencies from just above those text strokes blur
// into (0.12 cycles/px, 8 px) to below where noise and JPEG take over (0.4), in wedges of 15
// degrees either side of the path and of its perpendicular. The axes are left out: print's
// horizontal and vertical strokes and JPEG's block grid crowd them.
constexpr double kMinAnisotropyFrequency = 0.12;
constexpr double kMaxAnisotropyFrequency = 0.4;
constexpr double kWedgeHalfAngle = 0.26;

// log |DFT| of the grey centre square of `image`, windowed.
cv::Mat log_spectrum_of(const RgbImage& image) {
  cv::Mat grey;
  cv::cvtColor(view_of(image), grey, cv::COLOR_RGB2GRAY);
  const int side = std::min({grey.cols, grey.rows, kMaxWindowPx});
  cv::Mat f;
  grey(cv::Rect((grey.cols - side) / 2, (grey.rows - side) / 2, side, side)).convertTo(f, CV_32F);
  f -= cv::mean(f)[0];
  // The window keeps the square's edges from adding their own spectral streaks.
  cv::Mat window;
  cv::createHanningWindow(window, f.size(), CV_32F);
  f = f.mul(window);
  cv::Mat spectrum;
  cv::dft(f, spectrum, cv::DFT_COMPLEX_OUTPUT);
  cv::Mat parts[2];
  cv::split(spectrum, parts);
  cv::Mat log_magnitude;
  cv::magnitude(parts[0], parts[1], log_magnitude);
  log_magnitude += 1e-3f;
  cv::log(log_magnitude, log_magnitude);
  return log_magnitude;
}

// Real cepstrum: IDFT(log |DFT(picture)|).
cv::Mat cepstrum_of(const cv::Mat& log_magnitude) {
  cv::Mat complex_log;
  cv::merge(std::vector<cv::Mat>{log_magnitude, cv::Mat::zeros(log_magnitude.size(), CV_32F)},
            complex_log);
  cv::Mat cepstrum;
  cv::dft(complex_log, cepstrum, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  return cepstrum;
}

// log(energy across the path / energy along it) over the measured band: a smear along (dx, dy)
// takes the detail out of the frequencies along its path only. The spectrum of a real picture
// is symmetric through the origin, so the half above the u axis says all.
double anisotropy(const cv::Mat& log_magnitude, double dx, double dy) {
  const int side = log_magnitude.rows;
  const double length = std::hypot(dx, dy);
  const double path_u = dx / length, path_v = dy / length;
  const double wedge = std::sin(kWedgeHalfAngle);
  const double lowest = kMinAnisotropyFrequency * side, highest = kMaxAnisotropyFrequency * side;
  double along = 0, across = 0;
  for (int v = 1; v <= int(highest); ++v) {
    const float* row = log_magnitude.ptr<float>(v);
    for (int u = -int(highest); u <= int(highest); ++u) {
      if (u == 0) continue;
      const double frequency = std::hypot(u, v);
      if (frequency < lowest || frequency > highest) continue;
      // |f| times the sine and the cosine of its angle to the path.
      const double off = std::abs(u * path_v - v * path_u), on = std::abs(u * path_u + v * path_v);
      const bool on_path = off < wedge * frequency, across_path = on < wedge * frequency;
      if (!on_path && !across_path) continue;
      const double energy = std::exp(2.0 * row[(u + side) % side]);
      (on_path ? along : across) += energy;
    }
  }
  return std::log((across + 1e-6) / (along + 1e-6));
}

// JPEG's block grid: whole multiples of 8 pixels along an axis.
bool on_block_grid(int x, int y) { return (y == 0 && x % 8 == 0) || (x == 0 && y % 8 == 0); }

// The PSF of `blur`: a streak one pixel wide through the centre of an odd square, summing to 1.
// It is drawn 8 times larger, anti-aliased, and shrunk by area, so a path's direction and length
// count to a fraction of a pixel (a whole-pixel streak 12 pixels long can point 5 degrees off,
// and leaves an echo of every stroke). The streak's round caps add half a pixel at each end, so
// its line is a pixel shorter than the footprint.
cv::Mat line_kernel(const MotionBlur& blur) {
  constexpr int kScale = 8;
  constexpr int kFractionBits = 4;  // cv::line's sub-pixel coordinates
  const double length = blur.length();
  const double drawn = std::max(0.0, length - 1) / length;
  const int side = static_cast<int>(std::ceil(length)) | 1;
  cv::Mat canvas = cv::Mat::zeros(side * kScale, side * kScale, CV_8U);
  const cv::Point2d centre(side * kScale / 2.0, side * kScale / 2.0),
      half(blur.dx * drawn * kScale / 2, blur.dy * drawn * kScale / 2);
  const auto fixed = [](cv::Point2d p) {
    return cv::Point(cvRound(p.x * (1 << kFractionBits)), cvRound(p.y * (1 << kFractionBits)));
  };
  cv::line(canvas, fixed(centre - half), fixed(centre + half), cv::Scalar(255), kScale, cv::LINE_AA,
           kFractionBits);
  cv::Mat kernel;
  canvas.convertTo(kernel, CV_32F);
  cv::resize(kernel, kernel, cv::Size(side, side), 0, 0, cv::INTER_AREA);
  kernel /= cv::sum(kernel)[0];
  return kernel;
}

}  // namespace

double MotionBlur::length() const { return std::hypot(dx, dy); }

std::optional<MotionBlur> estimate_motion_blur(const RgbImage& image, double min_length_px) {
  if (!rgb_image_is_valid(image) || image.width < 4 * kMaxPathPx || image.height < 4 * kMaxPathPx) {
    return std::nullopt;
  }
  const cv::Mat log_magnitude = log_spectrum_of(image);
  const cv::Mat cepstrum = cepstrum_of(log_magnitude);
  const int side = cepstrum.rows;
  // The cepstrum is symmetric through the origin: a half disc holds every path once.
  double sum = 0, sum_squares = 0, lowest = 0;
  int count = 0, best_x = 0, best_y = 0;
  for (int y = -kMaxPathPx; y <= kMaxPathPx; ++y) {
    for (int x = 0; x <= kMaxPathPx; ++x) {
      const double r = std::hypot(x, y);
      if (r < 4 || r > kMaxPathPx || (x == 0 && y < 0) || on_block_grid(x, y)) continue;
      const double v = cepstrum.at<float>((y + side) % side, x);
      sum += v;
      sum_squares += v * v;
      ++count;
      if (v < lowest) {
        lowest = v;
        best_x = x;
        best_y = y;
      }
    }
  }
  // The dip's centre to a fraction of a pixel, a parabola through it and its neighbours on each
  // axis: at 12 pixels a whole-pixel dip can point 5 degrees off, which leaves echoes of every
  // stroke a path's length away.
  const auto at = [&](int x, int y) {
    return cepstrum.at<float>((y + side) % side, (x + side) % side);
  };
  const auto vertex = [](double before, double centre, double after) {
    const double curvature = before - 2 * centre + after;
    return curvature > 1e-12 ? std::clamp(0.5 * (before - after) / curvature, -0.5, 0.5) : 0.0;
  };
  const double sub_x = vertex(at(best_x - 1, best_y), lowest, at(best_x + 1, best_y));
  const double sub_y = vertex(at(best_x, best_y - 1), lowest, at(best_x, best_y + 1));
  const double mean = sum / count;
  const double deviation = std::sqrt(std::max(1e-12, sum_squares / count - mean * mean));
  MotionBlur blur{best_x + sub_x, best_y + sub_y, (mean - lowest) / deviation};
  if (blur.strength < kMinStrength || blur.length() < min_length_px) return std::nullopt;
  blur.anisotropy = anisotropy(log_magnitude, blur.dx, blur.dy);
  if (blur.anisotropy < kMinAnisotropy) return std::nullopt;
  return blur;
}

Result<RgbImage> remove_motion_blur(const RgbImage& image, const MotionBlur& blur,
                                    double noise_to_signal) {
  if (Status s = check_rgb_image(image, "image"); !s.ok()) return s;
  if (blur.length() < 2) return Status::invalid_input("motion blur shorter than 2 pixels");
  const cv::Mat kernel = line_kernel(blur);
  const int k = kernel.rows;
  const int width = cv::getOptimalDFTSize(image.width + k);
  const int height = cv::getOptimalDFTSize(image.height + k);
  // The kernel centred on the origin, wrapped around, so the deconvolved picture does not shift.
  cv::Mat psf = cv::Mat::zeros(height, width, CV_32F);
  for (int y = 0; y < k; ++y) {
    for (int x = 0; x < k; ++x) {
      psf.at<float>((y - k / 2 + height) % height, (x - k / 2 + width) % width) =
          kernel.at<float>(y, x);
    }
  }
  cv::Mat psf_spectrum;
  cv::dft(psf, psf_spectrum, cv::DFT_COMPLEX_OUTPUT);
  // Wiener filter conj(K) / (|K|^2 + NSR), the same for every channel.
  cv::Mat filter(psf_spectrum.size(), CV_32FC2);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const cv::Vec2f kv = psf_spectrum.at<cv::Vec2f>(y, x);
      const float denominator = kv[0] * kv[0] + kv[1] * kv[1] + float(noise_to_signal);
      filter.at<cv::Vec2f>(y, x) = {kv[0] / denominator, -kv[1] / denominator};
    }
  }
  std::vector<cv::Mat> channels;
  cv::split(view_of(image), channels);
  for (cv::Mat& channel : channels) {
    cv::Mat padded;
    channel.convertTo(padded, CV_32F);
    // Reflected padding: a hard edge at the border would ring across the whole picture.
    cv::copyMakeBorder(padded, padded, 0, height - image.height, 0, width - image.width,
                       cv::BORDER_REFLECT);
    cv::Mat spectrum;
    cv::dft(padded, spectrum, cv::DFT_COMPLEX_OUTPUT);
    cv::mulSpectrums(spectrum, filter, spectrum, 0);
    cv::Mat restored;
    cv::dft(spectrum, restored, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
    restored(cv::Rect(0, 0, image.width, image.height)).convertTo(channel, CV_8U);
  }
  cv::Mat merged;
  cv::merge(channels, merged);
  return rgb_image_of(merged);
}

}  // namespace cardmint::image
