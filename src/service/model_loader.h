#pragma once
// Loads the Recognizer on a background thread so the HTTP server can answer /health while the
// models load (seconds), and tracks the phase /ready reports. Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "recognize/recognizer.h"

namespace cardmint::service {

enum class ModelPhase { kLoading, kReady, kDraining, kFailed };

std::string_view model_phase_name(ModelPhase phase);  // "loading", "ready", ...

class ModelLoader {
 public:
  // Called once on the loading thread when the load fails.
  using FailureCallback = std::function<void(const Status&)>;

  ModelLoader() = default;
  ~ModelLoader();  // stops a load that is still waiting, joins, then releases the Recognizer
  ModelLoader(const ModelLoader&) = delete;
  ModelLoader& operator=(const ModelLoader&) = delete;

  // Starts loading. `delay` (a test hook) is waited out first, interruptibly.
  // REQUIRES: called at most once.
  void start(recognize::RecognizerOptions options, std::chrono::milliseconds delay,
             FailureCallback on_failure);

  ModelPhase phase() const;

  // The loaded Recognizer (also while draining, so accepted requests finish), or unavailable when
  // none is loaded. The pointer is borrowed: valid until this ModelLoader is destroyed, so the HTTP
  // server must be stopped before that.
  [[nodiscard]] Result<recognize::Recognizer*> recognizer() const;

  // From now on phase() is kDraining, so /ready turns 503 while the server finishes what it
  // accepted. Stopping new requests is the HTTP server's job (it closes the listening socket).
  void begin_drain();

 private:
  void load(std::stop_token stop, recognize::RecognizerOptions options,
            std::chrono::milliseconds delay, FailureCallback on_failure);

  mutable std::mutex mu_;  // guards everything below
  ModelPhase phase_ = ModelPhase::kLoading;
  Status failure_;
  std::unique_ptr<recognize::Recognizer> recognizer_;

  std::jthread thread_;  // last: stopped and joined before the fields above go away
};

}  // namespace cardmint::service
