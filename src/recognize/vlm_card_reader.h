#pragma once
// SmolVLM as a cascade source: the card picture goes to the model thread (VlmWorker), the model's
// JSON comes back, and only a catalog printing it matches is an answer. A name the model invents
// that matches nothing is an "unknown" with the model's words as the reason, never a card.
// Thread-safe.

#include <memory>
#include <string>

#include "base/json_nesting.h"
#include "catalog/catalog.h"
#include "recognize/card_reader.h"
#include "recognize/vlm_worker.h"

namespace cardmint::recognize {

struct VlmCardReaderOptions {
  ModelSource source;                         // e.g. {"vlm-256m", false}
  int max_new_tokens = 160;                   // longest model answer
  bool constrain_output = true;               // JSON grammar from data/card_schema.json
  int max_json_depth = kDefaultMaxJsonDepth;  // MAX_JSON_DEPTH: deeper answers are refused unparsed
  double min_candidate_score = 0.35;          // a best catalog candidate below this is no answer
};

class VlmCardReader final : public CardReader {
 public:
  // REQUIRES: `catalog` outlives this object; worker != nullptr.
  VlmCardReader(const catalog::Catalog& catalog, std::unique_ptr<VlmWorker> worker,
                VlmCardReaderOptions options);
  ~VlmCardReader() override;  // finishes the model's queue first

  const ModelSource& source() const override { return options_.source; }
  [[nodiscard]] Status read(std::shared_ptr<const image::RgbImage> picture,
                            const catalog::MatchHints& hints, NameCallback on_name,
                            DoneCallback done) override;

  VlmWorkerStats worker_stats() const;

 private:
  const catalog::Catalog& catalog_;
  const VlmCardReaderOptions options_;
  const std::unique_ptr<VlmWorker> worker_;
};

}  // namespace cardmint::recognize
