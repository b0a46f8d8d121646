#include "service/model_loader.h"

#include <fmt/format.h>

#include <condition_variable>

#include "base/log.h"

namespace cardmint::service {

std::string_view model_phase_name(ModelPhase phase) {
  switch (phase) {
    case ModelPhase::kLoading:
      return "loading";
    case ModelPhase::kReady:
      return "ready";
    case ModelPhase::kDraining:
      return "draining";
    case ModelPhase::kFailed:
      return "failed";
  }
  return "unknown";
}

ModelLoader::~ModelLoader() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();  // a load in progress cannot be interrupted; it finishes first
  }
  std::unique_ptr<recognize::Recognizer> recognizer;
  {
    std::lock_guard lock(mu_);
    recognizer = std::move(recognizer_);
  }
  if (recognizer) recognizer->drain();
  // ~Recognizer finishes the queued work and stops the model thread, outside mu_.
}

void ModelLoader::start(recognize::RecognizerOptions options, std::chrono::milliseconds delay,
                        FailureCallback on_failure) {
  thread_ = std::jthread([this, options = std::move(options), delay,
                          on_failure = std::move(on_failure)](std::stop_token stop) mutable {
    load(stop, std::move(options), delay, std::move(on_failure));
  });
}

void ModelLoader::load(std::stop_token stop, recognize::RecognizerOptions options,
                       std::chrono::milliseconds delay, FailureCallback on_failure) {
  if (delay.count() > 0) {
    std::mutex sleep_mu;
    std::condition_variable_any sleeper;
    std::unique_lock lock(sleep_mu);
    sleeper.wait_for(lock, stop, delay, [] { return false; });
  }
  if (stop.stop_requested()) return;

  const auto started = std::chrono::steady_clock::now();
  logger("service")->info("loading catalog {} and {}", options.catalog_db.string(),
                          options.models.empty() ? "no model (OCR only)"
                                                 : options.models.front().vlm.model_path.string());
  Result<std::unique_ptr<recognize::Recognizer>> opened = recognize::Recognizer::open(options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!opened.ok()) {
    {
      std::lock_guard lock(mu_);
      if (phase_ == ModelPhase::kLoading) phase_ = ModelPhase::kFailed;
      failure_ = opened.status();
    }
    if (on_failure) on_failure(opened.status());
    return;
  }
  std::lock_guard lock(mu_);
  recognizer_ = std::move(opened).value();
  if (phase_ == ModelPhase::kLoading) phase_ = ModelPhase::kReady;
  logger("service")->info("models loaded in {:.0f} ms; {}", ms, model_phase_name(phase_));
}

ModelPhase ModelLoader::phase() const {
  std::lock_guard lock(mu_);
  return phase_;
}

Result<recognize::Recognizer*> ModelLoader::recognizer() const {
  std::lock_guard lock(mu_);
  switch (phase_) {
    case ModelPhase::kReady:
      return recognizer_.get();
    case ModelPhase::kLoading:
      return Status::unavailable("the models are still loading");
    case ModelPhase::kDraining:
      // Requests the server accepted before the drain still finish; it accepts no new ones.
      if (recognizer_) return recognizer_.get();
      return Status::unavailable("the service is shutting down");
    case ModelPhase::kFailed:
      return Status::unavailable(fmt::format("the models failed to load: {}", failure_.message()));
  }
  return Status::internal("unknown model phase");
}

void ModelLoader::begin_drain() {
  std::lock_guard lock(mu_);
  phase_ = ModelPhase::kDraining;
}

}  // namespace cardmint::service
