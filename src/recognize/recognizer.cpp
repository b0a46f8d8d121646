#include "recognize/recognizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "image/border_colour.h"
#include "image/card_detector.h"
#include "image/card_rectifier.h"
#include "image/finish_hint.h"
#include "image/hp_colour.h"
#include "image/image_decoder.h"
#include "recognize/cached_answer.h"
#include "recognize/cpu_pool.h"
#include "recognize/ocr_recognizer.h"
#include "recognize/vlm_card_reader.h"
#include "recognize/vlm_worker.h"
#include "session/next_card_predictor.h"
#include "session/scan_sessions.h"
#include "vlm/card_description.h"
#include "vlm/vlm_engine.h"

namespace cardmint::recognize {
namespace {

using Clock = SteadyClock;

constexpr const char* kFinishHintNames[] = {"normal", "holo", "reverse holo", "first edition"};

// A model's streamed name counts as "quick" only when it is a name the catalog knows: the quick
// event never shows a name that no card has.
constexpr double kQuickNameMinScore = 0.8;

SourceAnswer as_source_answer(const Recognition& r) {
  return {r.source, r.card ? r.card->id : std::string(), r.card ? r.confidence : 0.0};
}

}  // namespace

std::string_view progress_stage_name(ProgressStage stage) {
  switch (stage) {
    case ProgressStage::kQuick:
      return "quick";
    case ProgressStage::kIdentified:
      return "identified";
    case ProgressStage::kDetected:
      break;
  }
  return "detected";
}

struct Recognizer::Impl {
  RecognizerOptions options;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<OcrRecognizer> ocr;
  std::unique_ptr<cache::CardCache> cache;  // null without one
  std::unique_ptr<CachedAnswers> cached;    // null without a cache
  std::unique_ptr<session::ScanSessions> sessions;
  std::unique_ptr<CpuPool> pool;                     // reset first by ~Recognizer
  std::vector<std::unique_ptr<CardReader>> readers;  // fast first
  std::vector<ModelSource> model_sources;            // the readers' sources, same order

  mutable std::mutex stats_mu;  // guards the two maps
  std::map<std::string, std::int64_t> model_switches;
  std::map<std::string, std::int64_t> answers_by_source;

  std::mutex flight_mu;  // guards in_flight
  std::condition_variable flight_done;
  int in_flight = 0;

  void run_finished() {
    std::lock_guard lock(flight_mu);
    if (--in_flight == 0) flight_done.notify_all();
  }
};

// One recognition as it moves through the cascade. Its steps run on the CPU pool, one at a time;
// a model's answer comes back on the model thread and is posted to the pool as the next step.
struct Recognizer::Run : std::enable_shared_from_this<Recognizer::Run> {
  Run(Impl& impl, std::vector<std::uint8_t> image_bytes, RecognizeRequest request,
      DoneCallback done)
      : m(impl),
        bytes(std::move(image_bytes)),
        mode(request.mode.value_or(impl.options.default_mode)),
        on_progress(std::move(request.on_progress)),
        session_id(std::move(request.session_id)),
        on_done(std::move(done)),
        accepted_at(Clock::now()) {}

  Impl& m;
  bool replied = false;  // on_done was called: later failures have no one to tell
  const std::vector<std::uint8_t> bytes;
  const ScanMode mode;
  const ProgressCallback on_progress;
  const std::string session_id;  // empty: none
  const DoneCallback on_done;
  const Clock::time_point accepted_at;

  CacheKeys keys;
  RecognitionTimings cache_timings;
  Recognition base;  // the OCR pass: reading, finish hint, timings, and OCR's own answer
  catalog::MatchHints hints;
  std::shared_ptr<const image::RgbImage> picture;  // what a model sees
  double holo_hint = 0;
  std::vector<Recognition> answers;  // each source's answer, in the order asked
  std::vector<CascadeStep> steps;

  std::mutex event_mu;  // events come from the pool and from the model thread
  bool quick_sent = false;
  std::string identified_id;
  double identified_confidence = -1;

  double elapsed_ms() const { return ms_between(accepted_at, Clock::now()); }

  void emit(ProgressEvent event) {
    if (!on_progress) return;
    event.elapsed_ms = elapsed_ms();
    std::lock_guard lock(event_mu);
    if (event.stage == ProgressStage::kQuick) {
      if (quick_sent) return;
      quick_sent = true;
    }
    on_progress(event);
  }

  void emit_quick(const std::string& name, const std::string& source) {
    ProgressEvent event;
    event.stage = ProgressStage::kQuick;
    event.source = source;
    event.name = name;
    emit(std::move(event));
  }

  // Runs `step`, turning anything it throws into this request's failure instead of a hung caller.
  template <typename Step>
  void guarded(Step step) {
    try {
      step();
    } catch (const std::exception& e) {
      fail(Status::internal(fmt::format("recognition failed: {}", e.what())));
    } catch (...) {
      fail(Status::internal("recognition failed"));
    }
  }

  void begin() {
    guarded([&] {
      // The session's prediction breaks ties in every match of this scan (OCR's and models').
      if (!session_id.empty()) hints.prior = m.sessions->prior(session_id);
      if (answer_from_cache()) return;
      read_with_ocr();
    });
  }

  // True when the cache answered (and the run is finished, either way).
  bool answer_from_cache() {
    // high_value confirms every card with the accurate model: a remembered answer is not enough.
    if (!m.cached || mode == ScanMode::kHighValue) return false;
    Result<std::optional<Recognition>> cached = m.cached->find(bytes, keys, cache_timings);
    if (!cached.ok()) {
      fail(cached.status());
      return true;
    }
    if (!cached->has_value()) return false;
    Recognition answer = std::move(cached->value());
    ProgressEvent detected;
    detected.stage = ProgressStage::kDetected;
    detected.source = answer.source;
    emit(detected);
    emit_quick(answer.card->name, answer.source);
    ProgressEvent identified;
    identified.stage = ProgressStage::kIdentified;
    identified.source = answer.source;
    identified.recognition = answer;
    emit(std::move(identified));
    answer.mode = std::string(scan_mode_name(mode));
    answer.cascade.push_back(
        {answer.source, answer.card->id, answer.confidence, answer.timings.cache_ms, ""});
    add_to_session(answer);
    answer.timings.total_ms = elapsed_ms();
    count_answer(answer.source);
    reply(std::move(answer));
    return true;
  }

  // One outline of the card read: the card warped upright, its foil and border readings, which
  // become the hints of its match, and what OCR read.
  struct OutlineReading {
    Recognition recognition;
    image::RgbImage card;
    catalog::MatchHints hints;
    double holo_hint = 0;
  };

  Result<OutlineReading> read_outline(const image::RgbImage& photo, const image::CardQuad& quad,
                                      bool announce) {
    const auto start = Clock::now();
    Result<image::RectifiedCard> rectified = image::rectify_card(photo, quad);
    if (!rectified.ok()) return rectified.status();
    OutlineReading r;
    r.hints = hints;
    std::string finish_hint;
    double finish_confidence = 0;
    if (Result<image::FinishEstimate> finish = image::estimate_finish(rectified->card);
        finish.ok()) {
      finish_hint = kFinishHintNames[static_cast<int>(finish->hint)];
      finish_confidence = finish->confidence;
      if (finish->hint == image::FinishHint::kHolo) r.holo_hint = finish->confidence;
      // The hint's finish ranks first only among a card's printings, and by likelihood: the
      // card's other printings are the alternatives that count, not all four.
      std::array<double, 4> ll;
      for (catalog::Finish f : catalog::kAllFinishes)
        ll[std::size_t(f)] = finish->log_likelihood[std::size_t(to_image_hint(f))];
      r.hints.finish_log_likelihood = ll;
      r.hints.full_art_log_ratio = finish->full_art_log_ratio;
    }
    if (Result<image::BorderColour> border = image::read_border_colour(rectified->card);
        border.ok())
      r.hints.silver_border_log_ratio = border->silver_era_log_ratio;
    if (Result<image::HpColour> hp = image::read_hp_colour(rectified->card); hp.ok())
      r.hints.red_hp_log_ratio = hp->red_hp_log_ratio;
    if (announce) {
      ProgressEvent detected;
      detected.stage = ProgressStage::kDetected;
      detected.source = "ocr";
      detected.recognition.finish_hint = finish_hint;
      detected.recognition.finish_hint_confidence = finish_confidence;
      emit(std::move(detected));
    }
    const double preprocess_ms = ms_between(start, Clock::now());
    Result<Recognition> read = m.ocr->recognize(*rectified, r.hints, &photo);
    if (!read.ok()) return read.status();
    r.recognition = std::move(read).value();
    r.recognition.finish_hint = finish_hint;
    r.recognition.finish_hint_confidence = finish_confidence;
    r.recognition.timings.preprocess_ms = preprocess_ms;
    r.card = std::move(rectified->card);
    return r;
  }

  void read_with_ocr() {
    const auto full_path_at = Clock::now();
    Result<image::RgbImage> decoded = image::decode_image(bytes, m.options.decode_limits);
    if (!decoded.ok()) return fail(decoded.status());
    const auto decoded_at = Clock::now();

    Recognition out;
    out.source = "ocr";
    Result<image::CardOutlines> outlines = image::find_card_outlines(*decoded);
    if (!outlines.ok() && outlines.status().code() != StatusCode::kNotFound)
      return fail(outlines.status());
    std::string not_found_reason = outlines.ok() ? "" : outlines.status().message();
    // A card running off the photo's edge, or faint against the desk, outlines below the
    // detector's floor. Such an outline is read all the same, and kept only for a reading sure
    // of a card: the desk alone reads as no card.
    const bool weak = !outlines.ok() && m.options.read_weak_outlines_above > 0;
    if (weak) {
      image::CardDetectorOptions weaker;
      weaker.min_score = m.options.read_weak_outlines_above;
      weaker.rank_straight_edge_outlines = true;
      outlines = image::find_card_outlines(*decoded, weaker);
      if (!outlines.ok() && outlines.status().code() != StatusCode::kNotFound)
        return fail(outlines.status());
    }
    std::optional<OutlineReading> best;
    double preprocess_ms = ms_between(decoded_at, Clock::now());
    double ocr_ms = 0;
    if (outlines.ok()) {
      std::vector<const image::CardQuad*> quads = {&outlines->card};
      for (const image::CardQuad& other : outlines->alternatives) quads.push_back(&other);
      for (const image::CardQuad* quad : quads) {
        if (best && best->recognition.card &&
            best->recognition.confidence >= m.options.read_other_outlines_below)
          break;
        Result<OutlineReading> again =
            read_outline(*decoded, *quad, /*announce=*/!weak && quad == quads.front());
        if (!again.ok()) return fail(again.status());
        preprocess_ms += again->recognition.timings.preprocess_ms;
        ocr_ms += again->recognition.timings.ocr_ms;
        const Recognition& read = again->recognition;
        if (!best || (read.card &&
                      (!best->recognition.card || read.confidence > best->recognition.confidence)))
          best = std::move(again).value();
      }
      if (weak && (!best->recognition.card ||
                   best->recognition.confidence < m.options.weak_outline_min_confidence))
        best.reset();
    }
    if (best) {
      out = std::move(best->recognition);
      hints = std::move(best->hints);
      holo_hint = best->holo_hint;
      picture = std::make_shared<const image::RgbImage>(std::move(best->card));
    } else {
      out.unknown_reason = not_found_reason;
      // No card outline: a model may still read the whole photo.
      picture = std::make_shared<const image::RgbImage>(std::move(decoded).value());
    }
    out.timings.preprocess_ms = preprocess_ms;
    out.timings.ocr_ms = ocr_ms;
    out.timings.decode_ms = ms_between(full_path_at, decoded_at);
    out.timings.hash_ms = cache_timings.hash_ms;
    out.timings.cache_ms = cache_timings.cache_ms;
    if (out.card) emit_quick(out.card->name, "ocr");
    steps.push_back({"ocr", out.card ? out.card->id : "", out.card ? out.confidence : 0.0,
                     out.timings.ocr_ms, ""});
    base = out;
    answers.push_back(std::move(out));
    escalate_or_finish();
  }

  void escalate_or_finish() {
    std::vector<SourceAnswer> so_far;
    for (const Recognition& a : answers) so_far.push_back(as_source_answer(a));
    const std::optional<Escalation> next = next_escalation(
        mode, m.options.escalation, so_far, m.model_sources, picture ? holo_hint : 0);
    const bool can_ask = next && picture;
    announce_identified(so_far, can_ask ? m.model_sources[next->model].name : "");
    if (!can_ask) return finish();

    const std::size_t model = next->model;
    {
      std::lock_guard lock(m.stats_mu);
      ++m.model_switches[fmt::format("{}→{}", answers.back().source, m.model_sources[model].name)];
    }
    std::shared_ptr<Run> self = shared_from_this();
    const std::string reason = next->reason;
    const auto asked_at = Clock::now();
    const std::string source = m.model_sources[model].name;
    Status asked = m.readers[model]->read(
        picture, hints,
        [self, source](const std::string& name) {
          std::vector<catalog::NameMatch> known = self->m.catalog->search_names(name, 1);
          if (!known.empty() && known[0].score >= kQuickNameMinScore) {
            self->emit_quick(known[0].name, source);
          }
        },
        [self, model, reason, asked_at](Result<Recognition> answer) {
          self->m.pool->post([self, model, reason, asked_at, answer = std::move(answer)]() mutable {
            self->guarded(
                [&] { self->on_model_answer(model, reason, asked_at, std::move(answer)); });
          });
        });
    if (!asked.ok()) fail(asked);
  }

  void on_model_answer(std::size_t model, const std::string& reason, Clock::time_point asked_at,
                       Result<Recognition> answer) {
    if (!answer.ok()) return fail(answer.status());
    answer->source = m.model_sources[model].name;
    steps.push_back({answer->source, answer->card ? answer->card->id : "",
                     answer->card ? answer->confidence : 0.0, ms_between(asked_at, Clock::now()),
                     reason});
    answers.push_back(std::move(answer).value());
    escalate_or_finish();
  }

  // An `identified` event whenever the answer so far names a card it had not named before, or
  // names it with another confidence.
  void announce_identified(const std::vector<SourceAnswer>& so_far,
                           const std::string& escalating_to) {
    const std::optional<Decision> decision = decide(so_far);
    if (!decision) return;
    const Recognition& chosen = answers[decision->answer];
    if (chosen.card->id == identified_id && decision->confidence == identified_confidence) return;
    identified_id = chosen.card->id;
    identified_confidence = decision->confidence;
    ProgressEvent event;
    event.stage = ProgressStage::kIdentified;
    event.source = chosen.source;
    event.recognition = chosen;
    event.recognition.confidence = decision->confidence;
    event.recognition.finish_hint = base.finish_hint;
    event.recognition.finish_hint_confidence = base.finish_hint_confidence;
    event.escalating_to = escalating_to;
    emit(std::move(event));
  }

  void finish() {
    std::vector<SourceAnswer> so_far;
    for (const Recognition& a : answers) so_far.push_back(as_source_answer(a));
    Recognition out = base;
    // What every model cost, whichever answer is kept.
    for (std::size_t i = 1; i < answers.size(); ++i) {
      const Recognition& a = answers[i];
      out.timings.encode_ms += a.timings.encode_ms;
      out.timings.prefill_ms += a.timings.prefill_ms;
      out.timings.generate_ms += a.timings.generate_ms;
      out.timings.queue_ms += a.timings.queue_ms;
      out.raw_model_output = a.raw_model_output;
      out.tokens = a.tokens;
    }
    if (const std::optional<Decision> decision = decide(so_far)) {
      const Recognition& chosen = answers[decision->answer];
      out.card = chosen.card;
      out.candidates = chosen.candidates;
      out.confidence = decision->confidence;
      out.finish_confidence = chosen.finish_confidence;
      out.source = chosen.source;
      out.unknown_reason.clear();
      // A model that looked at the same card estimated its condition, even when OCR's answer won
      // (OCR cannot see wear).
      if (out.card->condition_source.empty()) {
        for (const Recognition& a : answers) {
          if (a.card && a.card->id == out.card->id && !a.card->condition.empty()) {
            out.card->condition = a.card->condition;
            out.card->condition_source = a.card->condition_source;
          }
        }
      }
    } else {
      for (std::size_t i = 1; i < answers.size(); ++i) {
        out.source = answers[i].source;
        out.unknown_reason = fmt::format("{}; {}: {}", out.unknown_reason, answers[i].source,
                                         answers[i].unknown_reason);
      }
      for (std::size_t i = 1; i < answers.size(); ++i) {
        if (answers[i].answer_cut_at_token_limit) {
          return fail(Status::unprocessable(
              fmt::format("no card: {}'s answer was cut at MAX_NEW_TOKENS ({} tokens) before its "
                          "JSON closed; raise MAX_NEW_TOKENS",
                          answers[i].source, answers[i].tokens.generated)));
        }
      }
    }
    out.mode = std::string(scan_mode_name(mode));
    out.cascade = steps;
    // Only a sure answer is worth repeating: the cache never makes an answer surer than it was.
    if (m.cached && out.card && out.confidence >= m.options.escalation.escalate_below) {
      m.cached->remember(keys, out);
    }
    add_to_session(out);
    out.timings.total_ms = elapsed_ms();
    count_answer(out.source);
    reply(std::move(out));
  }

  // A sure card joins the session's history (an unsure one would teach the predictor a guess),
  // the predicted next cards are warmed and handed on for prices, and the operator's default
  // condition applies: the operator's word is a setting, the model's look at the wear only an
  // estimate.
  void add_to_session(Recognition& answer) {
    if (session_id.empty() || !answer.card) return;
    if (std::optional<std::string> condition = m.sessions->default_condition(session_id)) {
      answer.card->condition = *condition;
      answer.card->condition_source = "session default";
    }
    if (answer.confidence < m.options.escalation.escalate_below) return;
    Result<catalog::Card> card = m.catalog->get_card(answer.card->id);
    const std::optional<catalog::Finish> finish = catalog::parse_finish(answer.card->finish);
    if (!card.ok() || !finish) return;
    Result<std::vector<session::Prediction>> next = m.sessions->record(session_id, *card, *finish);
    if (!next.ok()) {
      logger("recognize")->warn("session {}: {}", session_id, next.status().to_string());
      return;
    }
    if (m.options.on_predicted_cards) {
      m.options.on_predicted_cards(session::predicted_ids(*next, m.options.sessions.warm_cards));
    }
  }

  void count_answer(const std::string& source) {
    std::lock_guard lock(m.stats_mu);
    ++m.answers_by_source[source];
  }

  void fail(const Status& status) { reply(status); }

  void reply(Result<Recognition> answer) {
    if (replied) return;
    replied = true;
    on_done(std::move(answer));
    m.run_finished();
  }
};

Recognizer::Recognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Recognizer::~Recognizer() {
  impl_->pool->stop_accepting();
  std::unique_lock lock(impl_->flight_mu);
  impl_->flight_done.wait(lock, [this] { return impl_->in_flight == 0; });
  lock.unlock();
  // The last run has replied, but a pool thread may still be on its way out of a reader's read()
  // (a model can answer before read() returns): join the pool before the readers go.
  impl_->pool.reset();
}

Result<std::unique_ptr<Recognizer>> Recognizer::open(const RecognizerOptions& options) {
  return open(options, {});
}

Result<std::unique_ptr<Recognizer>> Recognizer::open(
    const RecognizerOptions& options, std::vector<std::unique_ptr<CardReader>> readers) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  Result<std::unique_ptr<catalog::Catalog>> catalog =
      catalog::Catalog::open({.db_path = options.catalog_db});
  if (!catalog.ok()) return catalog.status();
  impl->catalog = std::move(catalog).value();
  OcrRecognizerOptions ocr_options;
  ocr_options.min_candidate_score = options.min_candidate_score;
  impl->ocr = std::make_unique<OcrRecognizer>(*impl->catalog, ocr_options);
  if (options.cache) {
    Result<catalog::CatalogStats> stats = impl->catalog->stats();
    if (!stats.ok()) return stats.status();
    const catalog::Catalog& known = *impl->catalog;
    Result<std::unique_ptr<cache::CardCache>> cache = cache::CardCache::open(
        *options.cache, stats->build_id,
        [&known](std::string_view card_id) { return known.get_card(card_id).ok(); });
    if (!cache.ok()) return cache.status();
    impl->cache = std::move(cache).value();
    impl->cached =
        std::make_unique<CachedAnswers>(*impl->catalog, *impl->cache, options.decode_limits);
  }
  const int cpu_threads = options.cpu_threads > 0 ? options.cpu_threads : default_cpu_threads();
  impl->sessions = std::make_unique<session::ScanSessions>(*impl->catalog, options.sessions);
  impl->pool = std::make_unique<CpuPool>(cpu_threads, std::max(1, options.queue_capacity));
  if (readers.empty()) {
    for (const RecognizerOptions::Model& model : options.models) {
      vlm::VlmOptions vlm_options = model.vlm;
      if (vlm_options.system_prompt.empty()) vlm_options.system_prompt = vlm::card_prompt();
      vlm_options.max_batch = std::max(1, options.batch_size);
      Result<std::unique_ptr<vlm::VlmEngine>> engine = vlm::VlmEngine::open(vlm_options);
      if (!engine.ok()) return engine.status();
      VlmWorkerOptions worker_options;
      worker_options.queue_capacity = std::max(1, options.queue_capacity);
      worker_options.batch_size = std::max(1, options.batch_size);
      worker_options.batch_timeout = std::chrono::milliseconds(options.batch_timeout_ms);
      VlmCardReaderOptions reader_options;
      reader_options.source = {vlm_options.label, model.accurate};
      reader_options.max_new_tokens = options.max_new_tokens;
      reader_options.constrain_output = options.constrain_output;
      reader_options.max_json_depth = options.max_json_depth;
      reader_options.min_candidate_score = options.min_candidate_score;
      readers.push_back(std::make_unique<VlmCardReader>(
          *impl->catalog, std::make_unique<VlmWorker>(std::move(engine).value(), worker_options),
          std::move(reader_options)));
    }
  }
  impl->readers = std::move(readers);
  for (const auto& reader : impl->readers) impl->model_sources.push_back(reader->source());
  return std::unique_ptr<Recognizer>(new Recognizer(std::move(impl)));
}

session::ScanSessions& Recognizer::sessions() { return *impl_->sessions; }

const catalog::Catalog& Recognizer::catalog() const { return *impl_->catalog; }

void Recognizer::drain() { impl_->pool->stop_accepting(); }

RecognizerStats Recognizer::stats() const {
  RecognizerStats out;
  {
    std::lock_guard lock(impl_->stats_mu);
    out.model_switches = impl_->model_switches;
    out.answers_by_source = impl_->answers_by_source;
  }
  if (impl_->cache) out.cache = impl_->cache->stats();
  out.cpu_queue = impl_->pool->queued();
  for (const auto& reader : impl_->readers) {
    // Only SmolVLM readers have a model thread; the tests' scripted readers have none.
    const auto* vlm = dynamic_cast<const VlmCardReader*>(reader.get());
    if (vlm == nullptr) continue;
    const VlmWorkerStats worker = vlm->worker_stats();
    out.models.push_back({.source = reader->source().name,
                          .queue_depth = worker.queue_depth,
                          .batch_size = std::max(1, impl_->options.batch_size),
                          .jobs = worker.jobs_submitted,
                          .batches = worker.batches,
                          .batched_jobs = worker.batched_jobs});
  }
  return out;
}

Status Recognizer::start(std::vector<std::uint8_t> image_bytes, RecognizeRequest request,
                         DoneCallback on_done) {
  auto run =
      std::make_shared<Run>(*impl_, std::move(image_bytes), std::move(request), std::move(on_done));
  {
    std::lock_guard lock(impl_->flight_mu);
    ++impl_->in_flight;
  }
  if (Status submitted = impl_->pool->submit([run] { run->begin(); }); !submitted.ok()) {
    impl_->run_finished();
    return submitted;
  }
  return {};
}

Result<Recognition> Recognizer::recognize(std::span<const std::uint8_t> image_bytes,
                                          const RecognizeRequest& request) {
  auto answer = std::make_shared<std::promise<Result<Recognition>>>();
  std::future<Result<Recognition>> ready = answer->get_future();
  Status started = start(std::vector<std::uint8_t>(image_bytes.begin(), image_bytes.end()), request,
                         [answer](Result<Recognition> r) { answer->set_value(std::move(r)); });
  if (!started.ok()) return started;
  return ready.get();
}

}  // namespace cardmint::recognize
