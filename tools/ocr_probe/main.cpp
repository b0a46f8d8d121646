// Developer tool: shows what the OCR path sees. For each photo it writes the rectified card (and
// any larger outline the detector offers as the card instead, as <photo>-alt<n>), the
// two text bands with the printed lines found in them boxed, and each line as Tesseract gets it,
// and prints the finish estimate and what Tesseract reads from each line, so a failing `cardmint
// eval` line can be traced to detection, rectification, line finding or OCR.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/finish_hint.h"
#include "image/image_decoder.h"
#include "image/text_bands.h"
#include "image/text_lines.h"
#include "ocr/ocr_reader.h"
#include "recognize/recognizer.h"

namespace {

namespace fs = std::filesystem;
using namespace cardmint;

void write_png(const fs::path& path, const image::RgbImage& picture) {
  cv::Mat rgb(picture.height, picture.width, CV_8UC3,
              const_cast<std::uint8_t*>(picture.pixels.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(path.string(), bgr);
}

int probe_outline(const image::RgbImage& photo, const image::CardQuad& quad,
                  const std::string& stem, const fs::path& out_dir, ocr::OcrReader& reader);

int probe(const fs::path& photo, const fs::path& out_dir, ocr::OcrReader& reader) {
  std::ifstream in(photo, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  Result<image::RgbImage> decoded = image::decode_image(bytes, {});
  if (!decoded.ok()) {
    std::cout << photo.filename().string() << "\tdecode: " << decoded.status().message() << "\n";
    return 1;
  }
  Result<image::CardOutlines> outlines = image::find_card_outlines(*decoded);
  if (!outlines.ok()) {
    std::cout << photo.filename().string() << "\tno card: " << outlines.status().message() << "\n";
    // The outlines below the detector's floor, as the Recognizer reads them next.
    image::CardDetectorOptions weaker;
    weaker.min_score = recognize::RecognizerOptions{}.read_weak_outlines_above;
    weaker.rank_straight_edge_outlines = true;
    outlines = image::find_card_outlines(*decoded, weaker);
    if (!outlines.ok()) return 1;
    std::cout << photo.filename().string() << "\tbelow the floor, scored " << outlines->card.score
              << ":\n";
  }
  int failures = probe_outline(*decoded, outlines->card, photo.stem().string(), out_dir, reader);
  for (std::size_t i = 0; i < outlines->alternatives.size(); ++i) {
    failures +=
        probe_outline(*decoded, outlines->alternatives[i],
                      fmt::format("{}-alt{}", photo.stem().string(), i + 1), out_dir, reader);
  }
  return failures;
}

// One outline of the card: rectified, its finish estimated and its text bands read.
int probe_outline(const image::RgbImage& photo, const image::CardQuad& quad,
                  const std::string& stem, const fs::path& out_dir, ocr::OcrReader& reader) {
  Result<image::RectifiedCard> card = image::rectify_card(photo, quad);
  if (!card.ok()) {
    std::cout << stem << "\trectify: " << card.status().message() << "\n";
    return 1;
  }
  write_png(out_dir / (stem + "-card.png"), card->card);
  Result<image::TextBands> bands = image::crop_text_bands(card->card);
  if (!bands.ok()) return 1;
  struct Band {
    const char* label;
    const image::RgbImage* pixels;
    image::TextLineOptions lines;
    ocr::LineKind kind;
  };
  const Band list[] = {
      {"name", &bands->name, image::kTitleBandLines, ocr::LineKind::kName},
      {"number", &bands->number_strip, image::kNumberStripLines, ocr::LineKind::kNumber}};
  std::cout << stem << " rot=" << card->rotation_deg << " conf=" << card->orientation_confidence;
  if (Result<image::FinishEstimate> finish = image::estimate_finish(card->card); finish.ok()) {
    const auto& ll = finish->log_likelihood;
    std::cout << fmt::format(
        "\n  finish: hint {} conf {:.2f} art_foil {:.2f} body_foil {:.2f} first_edition {:.2f} "
        "ll normal/holo/reverse/first {:.2f}/{:.2f}/{:.2f}/{:.2f} full_art {:.2f}",
        int(finish->hint), finish->confidence, finish->art_foil, finish->body_foil,
        finish->first_edition, ll[0], ll[1], ll[2], ll[3], finish->full_art_log_ratio);
  }
  for (const Band& band : list) {
    Result<std::vector<image::TextLine>> lines = image::find_text_lines(*band.pixels, band.lines);
    if (!lines.ok()) return 1;
    cv::Mat shown(band.pixels->height, band.pixels->width, CV_8UC3,
                  const_cast<std::uint8_t*>(band.pixels->pixels.data()));
    shown = shown.clone();
    std::cout << "\n  " << band.label << ":";
    for (const image::TextLine& line : *lines) {
      cv::rectangle(shown, cv::Rect(line.box.x, line.box.y, line.box.width, line.box.height),
                    cv::Scalar(255, 0, 0));
      Result<image::RgbImage> crop = image::text_line_for_ocr(*band.pixels, line);
      if (!crop.ok()) return 1;
      Result<ocr::OcrLine> read = reader.read(*crop, band.kind);
      write_png(out_dir / fmt::format("{}-{}-y{}x{}.png", stem, band.label, line.box.y, line.box.x),
                *crop);
      std::cout << " [h" << line.char_height << " n" << line.characters << " y" << line.box.y
                << "] \"" << (read.ok() ? read->text : "ERR") << "\"";
    }
    image::RgbImage boxed;
    boxed.width = shown.cols;
    boxed.height = shown.rows;
    boxed.pixels.assign(shown.data, shown.data + shown.total() * 3);
    write_png(out_dir / (stem + "-" + band.label + ".png"), boxed);
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dump what the OCR path sees"};
  std::vector<std::string> photos;
  std::string out_dir = "ocr-probe";
  app.add_option("photos", photos, "photos")->required();
  app.add_option("--out", out_dir, "folder for the PNGs");
  CLI11_PARSE(app, argc, argv);
  fs::create_directories(out_dir);
  Result<std::unique_ptr<ocr::OcrReader>> reader = ocr::OcrReader::open();
  if (!reader.ok()) {
    std::cerr << reader.status().message() << "\n";
    return 2;
  }
  int failures = 0;
  for (const std::string& photo : photos) failures += probe(photo, out_dir, **reader);
  return failures == 0 ? 0 : 1;
}
