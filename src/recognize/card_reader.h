#pragma once
// A source the cascade may ask after OCR: something that reads a card picture and snaps what it
// read to the catalog. SmolVLM is one (vlm_card_reader.h); the escalation tests use readers whose
// answers and confidence they set.

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "image/rgb_image.h"
#include "recognize/cascade_policy.h"
#include "recognize/recognition.h"

namespace cardmint::recognize {

class CardReader {
 public:
  using NameCallback = std::function<void(const std::string& name)>;
  using DoneCallback = std::function<void(Result<Recognition>)>;

  virtual ~CardReader() = default;

  virtual const ModelSource& source() const = 0;

  // Starts reading `picture` and returns at once. `on_name` may be called once, early, with the
  // name as read (unchecked); `done` is called exactly once with the answer, whose card (if any)
  // is a catalog printing and whose source is source().name. Both may run on any thread and must
  // be quick. Errors (returned, and then neither callback runs): busy when the reader's queue is
  // full, unavailable while it shuts down.
  [[nodiscard]] virtual Status read(std::shared_ptr<const image::RgbImage> picture,
                                    const catalog::MatchHints& hints, NameCallback on_name,
                                    DoneCallback done) = 0;
};

}  // namespace cardmint::recognize
