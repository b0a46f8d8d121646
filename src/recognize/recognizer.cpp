#include "recognize/recognizer.h"

#include <chrono>

#include <fmt/format.h>

#include "image/image_decoder.h"
#include "recognize/vlm_worker.h"
#include "vlm/card_description.h"
#include "vlm/vlm_engine.h"

namespace cardmint::recognize {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// The short turn after the image; the long instructions sit in the cached system prompt.
constexpr const char* kUserPrompt = "Describe this card as JSON.";

}  // namespace

struct Recognizer::Impl {
  RecognizerOptions options;
  std::unique_ptr<VlmWorker> worker;
};

Recognizer::Recognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Recognizer::~Recognizer() = default;

Result<std::unique_ptr<Recognizer>> Recognizer::open(const RecognizerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.vlm.system_prompt.empty()) impl->options.vlm.system_prompt = vlm::card_prompt();
  Result<std::unique_ptr<vlm::VlmEngine>> engine = vlm::VlmEngine::open(impl->options.vlm);
  if (!engine.ok()) return engine.status();
  impl->worker = std::make_unique<VlmWorker>(std::move(engine).value(),
                                             std::max(1, options.queue_capacity));
  return std::unique_ptr<Recognizer>(new Recognizer(std::move(impl)));
}

void Recognizer::drain() { impl_->worker->stop_accepting(); }

Result<Recognition> Recognizer::recognize(std::span<const std::uint8_t> image_bytes) {
  const Impl& m = *impl_;
  const auto start = Clock::now();
  Recognition out;
  out.source = m.options.vlm.label;

  Result<image::RgbImage> decoded = image::decode_image(image_bytes, m.options.decode_limits);
  if (!decoded.ok()) return decoded.status();
  const auto decoded_at = Clock::now();
  out.timings.decode_ms = ms_between(start, decoded_at);

  vlm::GenerateRequest request;
  request.images.push_back(std::move(decoded).value());
  request.user_prompt = kUserPrompt;
  request.max_new_tokens = m.options.max_new_tokens;
  if (m.options.constrain_output) request.grammar = vlm::card_grammar();
  const auto submitted_at = Clock::now();
  out.timings.preprocess_ms = ms_between(decoded_at, submitted_at);

  Result<VlmWorker::Reply> reply = m.worker->submit(std::move(request));
  if (!reply.ok()) return reply.status();
  Result<vlm::Generation> generation = reply->get();
  if (!generation.ok()) return generation.status();
  const auto done_at = Clock::now();

  const vlm::StageTimings& stages = generation->timings;
  out.timings.encode_ms = stages.encode_ms;
  out.timings.prefill_ms = stages.prefill_ms;
  out.timings.generate_ms = stages.generate_ms;
  out.timings.queue_ms = std::max(0.0, ms_between(submitted_at, done_at) - stages.encode_ms -
                                           stages.prefill_ms - stages.generate_ms);
  out.raw_model_output = generation->text;
  out.tokens = {generation->image_tokens, generation->prompt_tokens,
                static_cast<int>(generation->tokens.size())};

  Result<vlm::CardDescription> description = vlm::parse_card_description(*generation);
  if (!description.ok()) {
    out.unknown_reason = description.status().message();
  } else {
    out.confidence = description->confidence;
    // Until a catalog confirms the model's reading, the honest answer is "unknown".
    out.unknown_reason = fmt::format("no catalog printing confirms \"{}\" {}", description->name,
                                     description->number);
  }
  out.timings.total_ms = ms_between(start, Clock::now());
  return out;
}

}  // namespace cardmint::recognize
