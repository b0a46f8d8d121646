// The recognizer's cascade end to end: real decoding, detection, OCR and catalog, with model
// sources whose answers and confidence the test sets, so each escalation rule shows in which
// sources were asked, what was answered, and the progress events on the way.

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>
#include <vector>

#include "catalog/test_catalog.h"
#include "image/card_photo_for_test.h"
#include "recognize/ocr_recognizer.h"
#include "recognize/recognizer.h"

namespace cardmint::recognize {
namespace {

// A model source that answers `card_id` (empty: no card) with `confidence`, from its own thread
// as a model would, after telling the name early.
class FixedReader final : public CardReader {
 public:
  FixedReader(ModelSource source, std::string card_id, double confidence)
      : source_(std::move(source)), card_id_(std::move(card_id)), confidence_(confidence) {}
  ~FixedReader() override {
    for (std::thread& t : threads_) t.join();
  }

  const ModelSource& source() const override { return source_; }

  Status read(std::shared_ptr<const image::RgbImage> picture, const catalog::MatchHints& hints,
              NameCallback on_name, DoneCallback done) override {
    std::lock_guard lock(mu_);
    ++reads_;
    last_prior_ = hints.prior;
    saw_picture_ = picture && !picture->empty();
    threads_.emplace_back([this, on_name, done] {
      Recognition answer;
      answer.source = source_.name;
      if (!card_id_.empty()) {
        const catalog::Catalog& catalog = catalog::testing::real_catalog();
        catalog::MatchCandidate candidate;
        candidate.card = catalog.get_card(card_id_).value();
        candidate.finish = candidate.card.printings.front();
        answer.card = to_card_match(catalog, candidate);
        answer.card->condition = "lightly played";
        answer.card->condition_source = "model estimate";
        answer.confidence = confidence_;
        answer.candidates.push_back({*answer.card, confidence_});
        if (on_name) on_name(answer.card->name);
      } else {
        answer.unknown_reason = "the model read nothing it could match";
      }
      done(std::move(answer));
    });
    return {};
  }

  int reads() const {
    std::lock_guard lock(mu_);
    return reads_;
  }
  bool saw_picture() const {
    std::lock_guard lock(mu_);
    return saw_picture_;
  }
  // The cards the last read was told to expect, by id.
  std::vector<std::string> last_prior() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> ids;
    for (const catalog::CardPrior& p : last_prior_) ids.push_back(p.card_id);
    return ids;
  }

 private:
  const ModelSource source_;
  const std::string card_id_;
  const double confidence_;
  mutable std::mutex mu_;
  int reads_ = 0;
  bool saw_picture_ = false;
  std::vector<catalog::CardPrior> last_prior_;
  std::vector<std::thread> threads_;
};

// A model source that holds every request until the test lets it answer: a model busy for as long
// as the test wants.
class HeldReader final : public CardReader {
 public:
  ~HeldReader() override { release(); }
  const ModelSource& source() const override { return source_; }
  Status read(std::shared_ptr<const image::RgbImage>, const catalog::MatchHints&, NameCallback,
              DoneCallback done) override {
    std::lock_guard lock(mu_);
    held_.push_back(std::move(done));
    asked_.notify_all();
    return {};
  }
  bool wait_until_asked(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return asked_.wait_for(lock, timeout, [this] { return !held_.empty(); });
  }
  void release() {
    std::vector<DoneCallback> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (DoneCallback& done : held) {
      Recognition unknown;
      unknown.unknown_reason = "released";
      done(std::move(unknown));
    }
  }

 private:
  const ModelSource source_{"vlm-256m", false};
  std::mutex mu_;
  std::condition_variable asked_;
  std::vector<DoneCallback> held_;
};

struct Cascade {
  FixedReader* fast = nullptr;
  FixedReader* accurate = nullptr;
  std::unique_ptr<Recognizer> recognizer;
};

Cascade open_cascade(std::string fast_card, double fast_confidence, std::string accurate_card,
                     double accurate_confidence, RecognizerOptions options = {}) {
  options.catalog_db = catalog::testing::real_catalog_db();
  auto fast = std::make_unique<FixedReader>(ModelSource{"vlm-256m", false}, std::move(fast_card),
                                            fast_confidence);
  auto accurate = std::make_unique<FixedReader>(ModelSource{"vlm-500m", true},
                                                std::move(accurate_card), accurate_confidence);
  Cascade c;
  c.fast = fast.get();
  c.accurate = accurate.get();
  std::vector<std::unique_ptr<CardReader>> readers;
  readers.push_back(std::move(fast));
  readers.push_back(std::move(accurate));
  Result<std::unique_ptr<Recognizer>> r = Recognizer::open(options, std::move(readers));
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  c.recognizer = std::move(r).value();
  return c;
}

std::vector<std::uint8_t> jpeg_of(const cv::Mat& rgb) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, 92});
  return bytes;
}

// Pikachu 58/102 (base1-58) lying straight on a desk: OCR reads it surely.
std::vector<std::uint8_t> pikachu_photo(bool holo = false) {
  image::test::FaceOptions face;
  face.rainbow_art = holo;
  image::test::PhotoOptions pose;
  pose.desk = image::test::Desk::kWood;
  return jpeg_of(image::test::render_photo(image::test::render_face(face), pose).rgb);
}

// A desk and a coin: no card to find.
std::vector<std::uint8_t> desk_photo() {
  return jpeg_of(image::test::render_desk(image::test::Desk::kCloth, 1600, 1200, 3, 1));
}

std::vector<std::string> sources_asked(const Recognition& r) {
  std::vector<std::string> out;
  for (const CascadeStep& step : r.cascade) out.push_back(step.source);
  return out;
}

TEST(RecognizerCascadeTest, StandardStopsAtASureOcrAnswer) {
  Cascade c = open_cascade("base2-60", 0.99, "base2-60", 0.99);
  Result<Recognition> r = c.recognizer->recognize(pikachu_photo(), {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_TRUE(r->card.has_value()) << r->unknown_reason;
  EXPECT_EQ(r->card->id, "base1-58");
  EXPECT_GE(r->confidence, 0.85);
  EXPECT_EQ(r->source, "ocr");
  EXPECT_EQ(r->mode, "standard");
  EXPECT_EQ(sources_asked(*r), std::vector<std::string>{"ocr"});
  EXPECT_EQ(c.fast->reads() + c.accurate->reads(), 0);
  EXPECT_TRUE(c.recognizer->stats().model_switches.empty());
}

TEST(RecognizerCascadeTest, HighValueConfirmsASureAnswerWithTheAccurateModelOnly) {
  Cascade c = open_cascade("base1-58", 0.99, "base1-58", 0.97);
  RecognizeRequest request;
  request.mode = ScanMode::kHighValue;
  Result<Recognition> r = c.recognizer->recognize(pikachu_photo(), request);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(sources_asked(*r), (std::vector<std::string>{"ocr", "vlm-500m"}));
  EXPECT_EQ(c.fast->reads(), 0);
  EXPECT_EQ(c.accurate->reads(), 1);
  EXPECT_TRUE(c.accurate->saw_picture());
  ASSERT_TRUE(r->card.has_value());
  EXPECT_EQ(r->card->id, "base1-58");
  EXPECT_EQ(r->mode, "high_value");
  EXPECT_NE(r->cascade[1].reason.find("high value"), std::string::npos) << r->cascade[1].reason;
  // The accurate model looked at the card: its condition estimate is kept, marked as one.
  EXPECT_EQ(r->card->condition, "lightly played");
  EXPECT_EQ(r->card->condition_source, "model estimate");
  EXPECT_EQ(c.recognizer->stats().model_switches.at("ocr→vlm-500m"), 1);
}

TEST(RecognizerCascadeTest, NoCardEscalatesThroughBothModelsUntilOneIsSure) {
  Cascade c = open_cascade("base1-4", 0.6, "base1-4", 0.93);
  std::mutex mu;
  std::vector<ProgressEvent> events;
  RecognizeRequest request;
  request.on_progress = [&](const ProgressEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  };
  Result<Recognition> r = c.recognizer->recognize(desk_photo(), request);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(sources_asked(*r), (std::vector<std::string>{"ocr", "vlm-256m", "vlm-500m"}));
  ASSERT_TRUE(r->card.has_value());
  EXPECT_EQ(r->card->id, "base1-4");
  EXPECT_EQ(r->source, "vlm-500m");
  EXPECT_DOUBLE_EQ(r->confidence, 0.93);
  EXPECT_EQ(r->cascade[1].reason, "no card");
  EXPECT_NE(r->cascade[2].reason.find("confidence 0.60"), std::string::npos)
      << r->cascade[2].reason;
  const RecognizerStats stats = c.recognizer->stats();
  EXPECT_EQ(stats.model_switches.at("ocr→vlm-256m"), 1);
  EXPECT_EQ(stats.model_switches.at("vlm-256m→vlm-500m"), 1);
  EXPECT_EQ(stats.answers_by_source.at("vlm-500m"), 1);

  // No card outline: no "detected". The fast model's name is the quick event; its unsure answer is
  // identified with the next source named, then the accurate model's answer.
  std::lock_guard lock(mu);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].stage, ProgressStage::kQuick);
  EXPECT_EQ(events[0].name, "Charizard");
  EXPECT_EQ(events[0].source, "vlm-256m");
  EXPECT_EQ(events[1].stage, ProgressStage::kIdentified);
  EXPECT_EQ(events[1].escalating_to, "vlm-500m");
  EXPECT_DOUBLE_EQ(events[1].recognition.confidence, 0.6);
  EXPECT_EQ(events[2].stage, ProgressStage::kIdentified);
  EXPECT_EQ(events[2].escalating_to, "");
  EXPECT_DOUBLE_EQ(events[2].recognition.confidence, 0.93);
  EXPECT_LE(events[0].elapsed_ms, events[2].elapsed_ms);
}

TEST(RecognizerCascadeTest, ProgressEventsComeInOrderForAnOcrAnswer) {
  Cascade c = open_cascade("", 0, "", 0);
  std::mutex mu;
  std::vector<ProgressEvent> events;
  RecognizeRequest request;
  request.on_progress = [&](const ProgressEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  };
  Result<Recognition> r = c.recognizer->recognize(pikachu_photo(), request);
  ASSERT_TRUE(r.ok());
  std::lock_guard lock(mu);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].stage, ProgressStage::kDetected);
  EXPECT_FALSE(events[0].recognition.finish_hint.empty());
  EXPECT_EQ(events[1].stage, ProgressStage::kQuick);
  EXPECT_EQ(events[1].name, "Pikachu");
  EXPECT_EQ(events[2].stage, ProgressStage::kIdentified);
  ASSERT_TRUE(events[2].recognition.card.has_value());
  EXPECT_EQ(events[2].recognition.card->id, "base1-58");
  EXPECT_EQ(events[2].escalating_to, "");
  EXPECT_LE(events[0].elapsed_ms, events[1].elapsed_ms);
  EXPECT_LE(events[1].elapsed_ms, events[2].elapsed_ms);
  EXPECT_LE(events[2].elapsed_ms, r->timings.total_ms);
}

TEST(RecognizerCascadeTest, BulkInventoryAsksOnlyTheFastModelAndKeepsWhatItHas) {
  Cascade c = open_cascade("base1-4", 0.6, "base1-4", 0.99);
  RecognizeRequest request;
  request.mode = ScanMode::kBulkInventory;
  Result<Recognition> r = c.recognizer->recognize(desk_photo(), request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sources_asked(*r), (std::vector<std::string>{"ocr", "vlm-256m"}));
  EXPECT_EQ(c.accurate->reads(), 0);
  ASSERT_TRUE(r->card.has_value());
  EXPECT_DOUBLE_EQ(r->confidence, 0.6);  // unsure, and said so
}

TEST(RecognizerCascadeTest, ADisagreementIsSettledByTheAccurateModelAndNeverReportedSure) {
  // OCR reads Pikachu base1-58 surely; the fast model is as sure of another card.
  Cascade c = open_cascade("base1-4", 0.99, "", 0);
  RecognizeRequest request;
  request.mode = ScanMode::kHighValue;
  Result<Recognition> r = c.recognizer->recognize(pikachu_photo(), request);
  ASSERT_TRUE(r.ok());
  // high_value skips the fast model; standard with a holo is where the fast one is asked.
  EXPECT_EQ(c.fast->reads(), 0);
  EXPECT_EQ(sources_asked(*r), (std::vector<std::string>{"ocr", "vlm-500m"}));
  // The accurate model answered nothing: OCR's answer stands.
  ASSERT_TRUE(r->card.has_value());
  EXPECT_EQ(r->card->id, "base1-58");
}

TEST(RecognizerCascadeTest, AHoloIsConfirmedByASecondSourceInStandardMode) {
  // The fast model disagrees with OCR about the holo, exactly as sure as OCR is: the accurate one
  // is asked to settle it, and since it answers nothing, the two disagreeing answers leave no
  // sure card.
  const std::vector<std::uint8_t> photo = pikachu_photo(/*holo=*/true);
  Cascade silent = open_cascade("", 0, "", 0);
  Result<Recognition> ocr_alone = silent.recognizer->recognize(photo, {});
  ASSERT_TRUE(ocr_alone.ok());
  ASSERT_FALSE(ocr_alone->cascade.empty());
  ASSERT_GE(ocr_alone->cascade[0].confidence, 0.85);
  Cascade c = open_cascade("base1-4", ocr_alone->cascade[0].confidence, "", 0);
  Result<Recognition> r = c.recognizer->recognize(photo, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->finish_hint, "holo");
  ASSERT_GE(r->finish_hint_confidence, 0.6);
  EXPECT_EQ(sources_asked(*r), (std::vector<std::string>{"ocr", "vlm-256m", "vlm-500m"}));
  EXPECT_NE(r->cascade[1].reason.find("holo"), std::string::npos) << r->cascade[1].reason;
  // Their disagreement leaves neither sure: that is the reason given.
  EXPECT_NE(r->cascade[2].reason.find("confidence 0.50"), std::string::npos)
      << r->cascade[2].reason;
  ASSERT_TRUE(r->card.has_value());
  EXPECT_LT(r->confidence, 0.85);
  EXPECT_LT(r->confidence, r->cascade[0].confidence);
}

// The parallel pipeline: a recognition waiting for the model holds no CPU thread, so with a
// pool of one thread, the next upload is decoded, found, read and answered meanwhile.
TEST(RecognizerCascadeTest, AnUploadWaitingForTheModelDoesNotHoldUpTheNext) {
  RecognizerOptions options;
  options.catalog_db = catalog::testing::real_catalog_db();
  options.cpu_threads = 1;
  auto held = std::make_unique<HeldReader>();
  HeldReader* model = held.get();
  std::vector<std::unique_ptr<CardReader>> readers;
  readers.push_back(std::move(held));
  Result<std::unique_ptr<Recognizer>> recognizer = Recognizer::open(options, std::move(readers));
  ASSERT_TRUE(recognizer.ok());

  std::promise<Result<Recognition>> waiting;
  ASSERT_TRUE(
      (*recognizer)
          ->start(desk_photo(), {}, [&](Result<Recognition> r) { waiting.set_value(std::move(r)); })
          .ok());
  ASSERT_TRUE(model->wait_until_asked(std::chrono::seconds(60)));
  // The model holds the first upload; the one CPU thread answers the second.
  Result<Recognition> next = (*recognizer)->recognize(pikachu_photo(), {});
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->card.has_value());
  EXPECT_EQ(next->card->id, "base1-58");
  std::future<Result<Recognition>> first = waiting.get_future();
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  model->release();
  Result<Recognition> answered = first.get();
  ASSERT_TRUE(answered.ok());
  EXPECT_FALSE(answered->card.has_value());
  EXPECT_EQ(answered->source, "vlm-256m");
}

TEST(RecognizerCascadeTest, StartedRecognitionsEachAnswerOnce) {
  Cascade c = open_cascade("", 0, "", 0);
  std::vector<std::promise<Result<Recognition>>> answers(4);
  for (auto& answer : answers) {
    Status started = c.recognizer->start(pikachu_photo(), {}, [&answer](Result<Recognition> r) {
      answer.set_value(std::move(r));  // a second call would throw
    });
    ASSERT_TRUE(started.ok());
  }
  for (auto& answer : answers) {
    Result<Recognition> r = answer.get_future().get();
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->card.has_value());
    EXPECT_EQ(r->card->id, "base1-58");
  }
  c.recognizer->drain();
  EXPECT_EQ(c.recognizer->start(pikachu_photo(), {}, [](Result<Recognition>) {}).code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cardmint::recognize

namespace cardmint::recognize {
namespace {

// A scan session: a sure card joins its history, the predicted next cards go to the price
// prefetch, the next scan's matches are told to expect them, and the operator's default condition
// is the card's condition.
TEST(RecognizerCascadeTest, ASessionLearnsFromSureCardsAndPrimesTheNextScan) {
  std::mutex mu;
  std::vector<std::vector<std::string>> predicted;
  RecognizerOptions options;
  options.on_predicted_cards = [&](std::vector<std::string> ids) {
    std::lock_guard lock(mu);
    predicted.push_back(std::move(ids));
  };
  Cascade c = open_cascade("base1-58", 0.99, "base1-58", 0.97, std::move(options));

  RecognizeRequest in_session;
  in_session.session_id = "binder-7";
  Result<Recognition> first = c.recognizer->recognize(pikachu_photo(), in_session);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE(first->card.has_value());
  ASSERT_EQ(first->card->id, "base1-58");
  const std::vector<session::ScannedCard> history = c.recognizer->sessions().history("binder-7");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].card_id, "base1-58");
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(predicted.size(), 1u);
    ASSERT_FALSE(predicted[0].empty());
    EXPECT_EQ(predicted[0][0], "base1-59");  // the next number of the set
  }
  EXPECT_TRUE(first->card->condition_source.empty());

  // The next scan in the session: the model's match is told the session expects base1-59; the
  // operator's condition replaces the model's estimate.
  ASSERT_TRUE(c.recognizer->sessions().set_default_condition("binder-7", "near mint").ok());
  in_session.mode = ScanMode::kHighValue;
  Result<Recognition> second = c.recognizer->recognize(pikachu_photo(), in_session);
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  ASSERT_EQ(c.accurate->reads(), 1);
  const std::vector<std::string> prior = c.accurate->last_prior();
  EXPECT_NE(std::find(prior.begin(), prior.end(), "base1-59"), prior.end());
  ASSERT_TRUE(second->card.has_value());
  EXPECT_EQ(second->card->condition, "near mint");
  EXPECT_EQ(second->card->condition_source, "session default");
  EXPECT_EQ(c.recognizer->sessions().history("binder-7").size(), 2u);

  // A scan outside the session neither expects anything nor joins it.
  RecognizeRequest alone;
  alone.mode = ScanMode::kHighValue;
  Result<Recognition> third = c.recognizer->recognize(pikachu_photo(), alone);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(c.accurate->last_prior().empty());
  EXPECT_EQ(third->card->condition_source, "model estimate");
  EXPECT_EQ(c.recognizer->sessions().history("binder-7").size(), 2u);
  std::lock_guard lock(mu);
  EXPECT_EQ(predicted.size(), 2u);
}

}  // namespace
}  // namespace cardmint::recognize
