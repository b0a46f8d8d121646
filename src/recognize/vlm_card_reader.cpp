#include "recognize/vlm_card_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "base/elapsed.h"
#include "recognize/ocr_recognizer.h"
#include "vlm/card_description.h"

namespace cardmint::recognize {
namespace {

using Clock = SteadyClock;

// The short turn after the image; the long instructions sit in the cached system prompt.
constexpr const char* kUserPrompt = "Describe this card as JSON.";

}  // namespace

VlmCardReader::VlmCardReader(const catalog::Catalog& catalog, std::unique_ptr<VlmWorker> worker,
                             VlmCardReaderOptions options)
    : catalog_(catalog), options_(std::move(options)), worker_(std::move(worker)) {}

VlmCardReader::~VlmCardReader() = default;

VlmWorkerStats VlmCardReader::worker_stats() const { return worker_->stats(); }

Status VlmCardReader::read(std::shared_ptr<const image::RgbImage> picture,
                           const catalog::MatchHints& hints, NameCallback on_name,
                           DoneCallback done) {
  vlm::GenerateRequest request;
  request.images.push_back(*picture);
  request.user_prompt = kUserPrompt;
  request.max_new_tokens = options_.max_new_tokens;
  if (options_.constrain_output) request.grammar = vlm::card_grammar();

  // The token callback runs on the model thread, one piece at a time: it watches the streamed
  // JSON for the end of the name, which the schema puts first.
  struct Stream {
    std::string text;
    bool name_sent = false;
  };
  auto stream = std::make_shared<Stream>();
  vlm::TokenCallback on_token = [stream, on_name](std::string_view piece) {
    if (stream->name_sent || !on_name) return true;
    stream->text += piece;
    if (std::optional<std::string> name = vlm::streamed_name(stream->text)) {
      stream->name_sent = true;
      on_name(*name);
    }
    return true;
  };
  const auto submitted_at = Clock::now();
  auto on_done = [this, hints, done, submitted_at](Result<vlm::Generation> generation) {
    if (!generation.ok()) {
      done(generation.status());
      return;
    }
    Recognition out;
    out.source = options_.source.name;
    const vlm::StageTimings& stages = generation->timings;
    out.timings.encode_ms = stages.encode_ms;
    out.timings.prefill_ms = stages.prefill_ms;
    out.timings.generate_ms = stages.generate_ms;
    out.timings.queue_ms = std::max(0.0, ms_between(submitted_at, Clock::now()) - stages.encode_ms -
                                             stages.prefill_ms - stages.generate_ms);
    out.raw_model_output = generation->text;
    out.tokens = {generation->image_tokens, generation->prompt_tokens,
                  static_cast<int>(generation->tokens.size())};

    Result<vlm::CardDescription> description =
        vlm::parse_card_description(*generation, options_.max_json_depth);
    if (!description.ok()) {
      // Held to the card grammar, the model can only write the card's JSON; cut off before it
      // closed, the token limit is too small for the schema, which an operator can fix.
      // Unconstrained, a runaway answer is the model's own garbage: an "unknown".
      const bool cut = !generation->ended_by_model;
      out.answer_cut_at_token_limit = cut && options_.constrain_output;
      out.unknown_reason =
          cut ? fmt::format(
                    "model: answer cut at MAX_NEW_TOKENS ({} tokens) before its JSON "
                    "closed ({})",
                    generation->tokens.size(), description.status().message())
              : fmt::format("model: {}", description.status().message());
      done(std::move(out));
      return;
    }
    // The model's words are evidence, never the answer: only a catalog printing is returned.
    Result<catalog::MatchResult> match =
        catalog_.match(description->name, description->number, hints);
    if (!match.ok()) {
      done(match.status());
      return;
    }
    if (match->candidates.empty() || match->candidates[0].score < options_.min_candidate_score) {
      out.unknown_reason = fmt::format("no catalog printing confirms the model's \"{}\" {}",
                                       description->name, description->number);
      done(std::move(out));
      return;
    }
    for (const catalog::MatchCandidate& c : match->candidates) {
      out.candidates.push_back({to_card_match(catalog_, c), c.score});
    }
    out.card = out.candidates[0].card;
    out.card->condition = description->condition;
    out.card->condition_source = "model estimate";
    out.confidence = std::min(description->confidence, match->confidence);
    out.finish_confidence = match->finish_confidence;
    done(std::move(out));
  };
  return worker_->submit(std::move(request), std::move(on_token), std::move(on_done));
}

}  // namespace cardmint::recognize
