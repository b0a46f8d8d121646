#include "card_photo/manifest.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "card_photo/card_sampler.h"

namespace cardmint::card_photo {
namespace {

using nlohmann::json;

// Rounds to a multiple of `step` (a power of ten) so the JSON prints short decimals: dividing
// by the integer 1/step keeps 185.42 from coming out as 185.42000000000002.
double round_to(double v, double step) {
  const double inverse = std::round(1.0 / step);
  return std::round(v * inverse) / inverse;
}

json point_list(const std::vector<cv::Point2d>& pts) {
  json out = json::array();
  for (const cv::Point2d& p : pts) out.push_back({round_to(p.x, 0.01), round_to(p.y, 0.01)});
  return out;
}

json color(const cv::Scalar& bgr) {
  return {static_cast<int>(std::lround(bgr[0])), static_cast<int>(std::lround(bgr[1])),
          static_cast<int>(std::lround(bgr[2]))};
}

// A box of the face mapped into the photo through the same homography as the card corners.
std::vector<cv::Point2d> face_box_in_photo(const cv::Rect& box, const CardFace& face,
                                           const std::array<cv::Point2d, 4>& corners) {
  const float w = static_cast<float>(face.bgr.cols), h = static_cast<float>(face.bgr.rows);
  const cv::Point2f src[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const cv::Point2f dst[4] = {cv::Point2f(corners[0]), cv::Point2f(corners[1]),
                              cv::Point2f(corners[2]), cv::Point2f(corners[3])};
  const cv::Mat homography = cv::getPerspectiveTransform(src, dst);
  const std::vector<cv::Point2d> in = {
      {static_cast<double>(box.x), static_cast<double>(box.y)},
      {static_cast<double>(box.br().x), static_cast<double>(box.y)},
      {static_cast<double>(box.br().x), static_cast<double>(box.br().y)},
      {static_cast<double>(box.x), static_cast<double>(box.br().y)}};
  std::vector<cv::Point2d> out;
  cv::perspectiveTransform(in, out, homography);
  return out;
}

json scene_json(const SceneParams& s) {
  return {
      {"background",
       {{"kind", background_name(s.background.kind)},
        {"color_a", color(s.background.color_a)},
        {"color_b", color(s.background.color_b)},
        {"scale", round_to(s.background.scale, 0.001)},
        {"angle_deg", round_to(s.background.angle_deg, 0.01)}}},
      {"pose",
       {{"rotation_deg", round_to(s.pose.rotation_deg, 0.01)},
        {"tilt_deg", round_to(s.pose.tilt_deg, 0.01)},
        {"tilt_axis_deg", round_to(s.pose.tilt_axis_deg, 0.01)},
        {"focal_factor", round_to(s.pose.focal_factor, 0.001)},
        {"requested_area_fraction", round_to(s.pose.area_fraction, 0.0001)}}},
      {"lighting",
       {{"brightness", round_to(s.lighting.brightness, 0.001)},
        {"gradient_strength", round_to(s.lighting.gradient_strength, 0.001)},
        {"gradient_angle_deg", round_to(s.lighting.gradient_angle_deg, 0.01)},
        {"vignette", round_to(s.lighting.vignette, 0.001)},
        {"warmth", round_to(s.lighting.warmth, 0.001)},
        {"gamma", round_to(s.lighting.gamma, 0.001)}}},
      {"drop_shadow",
       s.shadows.drop ? json(round_to(s.shadows.drop_darkness, 0.001)) : json(nullptr)},
      {"occluder_shadow",
       s.shadows.occluder ? json(round_to(s.shadows.occluder_darkness, 0.001)) : json(nullptr)},
      {"glare", s.glare.on ? json{{"u", round_to(s.glare.u, 0.001)},
                                  {"v", round_to(s.glare.v, 0.001)},
                                  {"radius", round_to(s.glare.radius, 0.001)},
                                  {"intensity", round_to(s.glare.intensity, 0.001)}}
                           : json(nullptr)},
      {"sleeve", s.sleeve.on ? json{{"opacity", round_to(s.sleeve.opacity, 0.001)},
                                    {"streak", round_to(s.sleeve.streak, 0.001)}}
                             : json(nullptr)},
      {"blur",
       {{"kind", s.blur.kind == BlurKind::kMotion    ? "motion"
                 : s.blur.kind == BlurKind::kDefocus ? "defocus"
                                                     : "none"},
        {"sigma", round_to(s.blur.sigma, 0.001)},
        {"length_px", round_to(s.blur.length_px, 0.01)},
        {"angle_deg", round_to(s.blur.angle_deg, 0.01)}}},
      {"noise_sigma", round_to(s.noise_sigma, 0.001)},
      {"chroma_noise", round_to(s.chroma_noise, 0.001)},
      {"distractors", s.distractors},
      {"jpeg_quality", s.jpeg_quality},
  };
}

json face_json(const CardFace& face) {
  const FaceStyle& s = face.style;
  return {
      {"width", face.bgr.cols},
      {"height", face.bgr.rows},
      {"border", s.border},
      {"border_color", color(s.border_color)},
      {"name_font", face.name_font_family},
      {"body_font", face.body_font_family},
      {"number_font", face.number_font_family},
      {"name_height", round_to(s.name_height, 0.0001)},
      {"number_height", round_to(s.number_height, 0.0001)},
      {"number_on_left", s.number_on_left},
      {"show_set_code", s.show_set_code},
      {"foil_pattern", foil_pattern_name(s.foil_pattern)},
      {"foil_strength", round_to(s.foil_strength, 0.001)},
      {"name_box", {face.name_box.x, face.name_box.y, face.name_box.width, face.name_box.height}},
      {"number_box",
       {face.number_box.x, face.number_box.y, face.number_box.width, face.number_box.height}},
  };
}

}  // namespace

std::string manifest_line(const std::string& file, const GeneratedPhoto& g,
                          std::optional<std::size_t> scan_order) {
  json j;
  j["file"] = file;
  j["card_id"] = g.card != nullptr ? json(g.card->id) : json(nullptr);
  if (g.card != nullptr && g.set != nullptr && g.face) {
    const CardFace& face = *g.face;
    j["set_id"] = g.card->set_id;
    j["local_id"] = g.card->local_id;
    j["name"] = g.card->name;
    j["printed_number"] = face.printed_number;
    j["hp_text"] = face.hp_text;
    j["finish"] = face.style.finish;
    j["era"] = era_name(face.style.era);
    j["layout"] = face_layout_name(face.style.layout);
    j["foil"] = foil_kind_name(face.style.foil);
    j["pool"] = card_pool_name(card_pool_of(*g.card, *g.set));
    j["face"] = face_json(face);
  }
  j["width"] = g.photo.bgr.cols;
  j["height"] = g.photo.bgr.rows;
  if (g.photo.truth.has_card && g.face) {
    const auto& c = g.photo.truth.corners;
    j["corners"] = point_list({c.begin(), c.end()});
    j["rotation_deg"] = round_to(g.photo.truth.rotation_deg, 0.01);
    j["card_area_fraction"] = round_to(g.photo.truth.area_fraction, 0.0001);
    j["name_quad"] = point_list(face_box_in_photo(g.face->name_box, *g.face, c));
    j["number_quad"] = point_list(face_box_in_photo(g.face->number_box, *g.face, c));
  } else {
    j["corners"] = nullptr;
    j["rotation_deg"] = nullptr;
  }
  j["scene"] = scene_json(g.scene);
  j["seed"] = g.seed;
  if (scan_order) j["scan_order"] = *scan_order;
  return j.dump();
}

}  // namespace cardmint::card_photo
