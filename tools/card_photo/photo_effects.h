#pragma once
// The camera and room effects of the photographer (photo_scene.cpp). Each works in place on a
// CV_32FC3 frame with values in 0..255 unless it says otherwise. Thread-safe: pure functions.

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>

#include "card_photo/photo_scene.h"

namespace cardmint::card_photo {

// Objects on the table that are not cards: sticky notes (square), coins, pens, a phone (1:2)
// and receipts (1:3); none has a card's 63:88 outline. `frame` is CV_8UC3.
void draw_distractors(cv::Mat& frame, int count, std::uint64_t seed);

// Darkens the table under `card_alpha` (CV_32FC1, 0..1, the warped card) shifted and blurred.
void apply_drop_shadow(cv::Mat& frame, const cv::Mat& card_alpha, double card_height_px,
                       const Shadows& shadows);
// A soft dark band across the frame (something between the lamp and the table).
void apply_occluder(cv::Mat& frame, const Shadows& shadows);
// Uneven light, vignetting, white balance; gamma is applied here too.
void apply_lighting(cv::Mat& frame, const Lighting& lighting);
// A specular highlight on the card; `gloss` (CV_32FC1 0..1) says how shiny each pixel is.
void apply_glare(cv::Mat& frame, const cv::Mat& gloss, const std::array<cv::Point2d, 4>& corners,
                 const Glare& glare);
// A long bright streak along the card's long axis, where the sleeve film bends the light.
void apply_sleeve_streak(cv::Mat& frame, const cv::Mat& sleeve_alpha,
                         const std::array<cv::Point2d, 4>& corners, double intensity);
void apply_blur(cv::Mat& frame, const CameraBlur& blur);
void apply_noise(cv::Mat& frame, double sigma, double chroma, std::uint64_t seed);

}  // namespace cardmint::card_photo
