#pragma once
// The answer to one recognition request, in native types; service/ turns it into JSON.

#include <optional>
#include <string>
#include <vector>

namespace cardmint::recognize {

// A printing from the catalog. Never filled from model output alone: the model's words are only
// evidence, and a card is reported only once the catalog confirms it.
struct CardMatch {
  std::string id;  // catalog id, e.g. "base1-58"
  std::string name;
  std::string set_id;
  std::string set_name;
  std::string number;  // as printed, e.g. "58"
  int printed_total = 0;
  std::string finish;     // normal | holo | reverse holo | first edition
  std::string condition;  // near mint, ...
  // Where the condition came from: "session default" (the operator's), "model estimate" (the VLM
  // looked at the card), or empty when nobody said.
  std::string condition_source;
};

struct Candidate {
  CardMatch card;
  double score = 0;  // 0..1, the catalog's ranking score
};

// What OCR read, for the operator and for debugging misreads.
struct OcrReading {
  std::string name;
  std::string number_line;
  double name_confidence = 0;    // Tesseract's, 0..1
  double number_confidence = 0;  // Tesseract's, 0..1
};

struct RecognitionTimings {
  double decode_ms = 0;
  double preprocess_ms = 0;  // find + rectify the card, foil estimate
  double ocr_ms = 0;         // Tesseract over the name and number bands, and the catalog ranking
  double encode_ms = 0;
  double prefill_ms = 0;
  double generate_ms = 0;
  double queue_ms = 0;  // waiting for the model thread
  // The cache's own view of the upload: a reduced decode, the card found and rectified small,
  // its perceptual hash (only with a cache).
  double hash_ms = 0;
  double cache_ms = 0;  // the lookups: bytes digest, hash index, catalog confirmation
  double total_ms = 0;
};

// How a cached answer was found.
struct CacheAnswer {
  std::string hit;      // "bytes": the same file again; "exact" / "fuzzy": the card's hash
  int distance = 0;     // bits between the hashes, of 128
  bool shared = false;  // from another instance, through Redis
};

struct TokenCounts {
  int image = 0;   // vision tokens (64 per 512² tile)
  int prompt = 0;  // evaluated for this request, after the cached prefix
  int generated = 0;
};

// One source the cascade asked, in order: what it said and why it was asked.
struct CascadeStep {
  std::string source;   // "ocr", "vlm-256m", ...
  std::string card_id;  // empty: no card
  double confidence = 0;
  double ms = 0;       // this source's own time (for a model: queue + encode + prefill + generate)
  std::string reason;  // why it was asked; empty for the first
};

struct Recognition {
  std::optional<CardMatch> card;  // nullopt: an honest "unknown"
  std::string unknown_reason;     // why card is empty, for the operator
  // A model held to the card grammar ran into MAX_NEW_TOKENS before its JSON closed. With no card
  // from any source the request fails (422) rather than answering "unknown": the limit, too small
  // for the schema, is at fault, not the card.
  bool answer_cut_at_token_limit = false;
  double confidence = 0;  // 0..1, that the card is right
  // 0..1, that the card's finish is right given the card: foil readings can tell a reverse holo
  // from its plain printing only so well (catalog.h's MatchResult::finish_confidence).
  double finish_confidence = 0;
  // "cache" (answered before), "hash" (a reference image of the printing), "ocr", "vlm-256m",
  // "vlm-500m", ...
  std::string source;
  std::optional<CacheAnswer> cache;  // set when source is "cache" or "hash"
  std::string raw_model_output;      // the model's text, untrusted; service/ embeds it if it parses
  std::vector<Candidate> candidates;  // best first; the card, when known, is the first
  std::optional<OcrReading> ocr;
  std::string finish_hint;  // "normal" | "holo" | "reverse holo" | "first edition" (foil, stamp)
  double finish_hint_confidence = 0;
  RecognitionTimings timings;
  TokenCounts tokens;
  std::string mode;                  // the scan mode it ran under ("standard", ...)
  std::vector<CascadeStep> cascade;  // the sources asked, in order
};

}  // namespace cardmint::recognize
