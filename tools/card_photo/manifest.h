#pragma once
// The ground truth of a generated photo as one JSON Lines record (manifest.jsonl):
//   {"file","card_id"|null,"set_id","local_id","name","printed_number","hp_text","finish",
//    "era","layout","foil","pool","width","height","corners":[[x,y]×4],"rotation_deg",
//    "card_area_fraction","name_quad":[[x,y]×4],"number_quad":[[x,y]×4],
//    "face":{...style...},"scene":{...SceneParams...},"seed"[,"scan_order"]}
// corners are the card's top-left, top-right, bottom-right, bottom-left in photo pixels
// (clockwise on screen), at the sharp corners of the 63×88 rectangle, not the rounded ones.
// name_quad / number_quad are the ink boxes of the printed name and number mapped into the
// photo the same way. A photo without a card has card_id null and no card fields.
// Thread-safe: pure functions.

#include <cstddef>
#include <optional>
#include <string>

#include "card_photo/photo_generator.h"

namespace cardmint::card_photo {

// One line without the trailing newline. `scan_order`: the card's place in a binder scan
// (--sequential; 0 for the first card), left out for other photos.
std::string manifest_line(const std::string& file, const GeneratedPhoto& photo,
                          std::optional<std::size_t> scan_order = std::nullopt);

}  // namespace cardmint::card_photo
