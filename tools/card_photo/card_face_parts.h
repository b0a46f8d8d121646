#pragma once
// Small pieces of a card face: energy, rarity and set symbols, and the filler text that real
// cards carry (rules text, the Pokédex line, the copyright line). The filler is deliberately
// full of digits ("Does 30 damage", "©2021"), the distractors an OCR of the number must ignore.
// Thread-safe: pure functions of their arguments.

#include <opencv2/core.hpp>
#include <random>
#include <string>
#include <string_view>

#include "card_photo/catalog_reader.h"
#include "card_photo/printed_number.h"

namespace cardmint::card_photo {

// A colored disc with a white type glyph, radius in pixels.
void draw_energy_symbol(cv::Mat& image, cv::Point center, int radius, std::string_view type);

// ● common, ◆ uncommon, ★ rare and above, ★★/gold stars for the modern high rarities.
void draw_rarity_symbol(cv::Mat& image, cv::Point center, int size, std::string_view rarity,
                        const cv::Scalar& color);

// A small emblem derived from the set id (a stand-in for the expansion symbol), size = height.
void draw_set_symbol(cv::Mat& image, cv::Point center, int size, std::string_view set_id,
                     const cv::Scalar& color);

// The black star of promo cards.
void draw_promo_star(cv::Mat& image, cv::Point center, int size);

// "Flip a coin. If heads, ..." — one sentence of plausible rules text.
std::string filler_sentence(std::mt19937_64& rng);
// Fake damage for an attack: "", "30", "120+", "50×".
std::string fake_damage(std::mt19937_64& rng, CardEra era);
// "NO. 025  Mouse Pokémon  HT: 1'04\"  WT: 13.2 lbs."
std::string pokedex_line(std::mt19937_64& rng);
// "©2021 Pokémon / Nintendo / Creatures / GAME FREAK" by era.
std::string copyright_line(CardEra era, std::mt19937_64& rng);
// "BASIC", "STAGE 1", "TRAINER", "ENERGY", ... for the header tag.
std::string stage_label(const CatalogCard& card);

}  // namespace cardmint::card_photo
