#include "cli/soak_load.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "base/elapsed.h"
#include "cli/answered_by.h"
#include "cli/soak_uploads.h"
#include "client/recognize_stream_client.h"
#include "image/jpeg_comment.h"

namespace cardmint::cli {
namespace {

using nlohmann::json;

struct KindInfo {
  SoakKind kind;
  std::string_view name;
  int weight;                       // its share of the load, out of the sum of all weights
  std::string_view read_path = {};  // what a read GETs
};

// Reads and refusals cost the service a millisecond or two; each miss, stream and disconnect
// costs the recognizer most of a second of both cores, so they come less often and still take
// most of the service's time.
constexpr std::array<KindInfo, kSoakKindCount> kKinds = {{
    {SoakKind::kHit, "hit", 20},
    {SoakKind::kChangedHit, "changed_hit", 10},
    {SoakKind::kMiss, "miss", 10},
    {SoakKind::kStream, "stream", 8},
    {SoakKind::kDisconnect, "disconnect", 4},
    {SoakKind::kTruncatedJpeg, "truncated_jpeg", 4},
    {SoakKind::kPngBomb, "png_bomb", 4},
    {SoakKind::kWrongType, "wrong_content_type", 4},
    {SoakKind::kEmptyBody, "empty_body", 4},
    {SoakKind::kOversized, "oversized", 4},
    {SoakKind::kGarbage, "garbage", 4},
    {SoakKind::kHealth, "health", 6, "/health"},
    {SoakKind::kStats, "stats", 6, "/stats"},
    {SoakKind::kMetrics, "metrics", 6, "/metrics"},
    {SoakKind::kCatalogSearch, "catalog_search", 6, "/catalog/search?q=pika"},
}};

// Far past any pixel limit a service would set: 3.6 gigapixels, 10.8 GB as RGB.
constexpr int kBombSide = 60000;
// How much a kOversized upload is over the limit: the service must refuse it by its length.
constexpr std::size_t kOversizedBy = 64 * 1024;
// A first upload on a loaded, sanitized service: the recognizer and a queue before it.
constexpr std::chrono::seconds kRequestTimeout(300);
// The JPEG quality a remembered photo is saved again at for a changed hit.
constexpr int kReencodeQuality = 85;

// The statuses a refusal of `kind` may have; empty for kinds that must be answered 200.
std::vector<int> refusal_statuses(SoakKind kind) {
  switch (kind) {
    case SoakKind::kTruncatedJpeg:
    case SoakKind::kPngBomb:
      return {422};
    case SoakKind::kWrongType:
      return {415};
    case SoakKind::kEmptyBody:
      return {400};
    case SoakKind::kOversized:
      return {413};
    case SoakKind::kGarbage:
      // No known signature (415), or one by chance that does not decode (422).
      return {415, 422};
    default:
      return {};
  }
}

std::string excerpt(const std::string& body) {
  constexpr std::size_t kMax = 200;
  return body.size() <= kMax ? body : body.substr(0, kMax) + "…";
}

// Judges a plain (not streamed) answer against what `kind` must get.
void judge(SoakOutcome& out, const httplib::Result& res) {
  if (!res) {
    out.detail = "no answer: " + httplib::to_string(res.error());
    return;
  }
  out.status = res->status;
  const std::vector<int> refusals = refusal_statuses(out.kind);
  if (!refusals.empty()) {
    out.expected = std::find(refusals.begin(), refusals.end(), res->status) != refusals.end();
    if (!out.expected) out.detail = fmt::format("HTTP {}: {}", res->status, excerpt(res->body));
    return;
  }
  if (res->status != 200) {
    out.detail = fmt::format("HTTP {}: {}", res->status, excerpt(res->body));
    return;
  }
  const bool recognition = out.kind == SoakKind::kHit || out.kind == SoakKind::kChangedHit ||
                           out.kind == SoakKind::kMiss;
  if (!recognition) {
    out.expected = true;
    return;
  }
  const json body = json::parse(res->body, nullptr, false);
  if (!body.is_object() || !body.contains("source")) {
    out.detail = "200 without a recognition: " + excerpt(res->body);
    return;
  }
  out.expected = true;
  out.detail = answered_by(body);
  const auto card = body.find("card");
  out.card_named = card != body.end() && card->is_object();
}

}  // namespace

std::string_view soak_kind_name(SoakKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].name;
}

SoakKindSequence::SoakKindSequence(unsigned seed) : rng_(seed) {
  for (const KindInfo& k : kKinds) first_round_.push_back(k.kind);
  std::shuffle(first_round_.begin(), first_round_.end(), rng_);
}

SoakKind SoakKindSequence::next() {
  if (!first_round_.empty()) {
    const SoakKind kind = first_round_.back();
    first_round_.pop_back();
    return kind;
  }
  int total = 0;
  for (const KindInfo& k : kKinds) total += k.weight;
  int draw = std::uniform_int_distribution<int>(0, total - 1)(rng_);
  for (const KindInfo& k : kKinds) {
    if (draw < k.weight) return k.kind;
    draw -= k.weight;
  }
  return kKinds.back().kind;
}

SoakLoad::SoakLoad(SoakTarget target, std::vector<FolderPhoto> photos)
    : target_(std::move(target)),
      photos_(std::move(photos)),
      bomb_(png_bomb(kBombSide, kBombSide)),
      oversized_(target_.max_upload_bytes + kOversizedBy, '\0') {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    // The table is indexed by the enum: a reordered row would mislabel every figure.
    if (static_cast<std::size_t>(kKinds[i].kind) != i) std::abort();
  }
}

std::string SoakLoad::next_new_photo() {
  const long k = new_photos_++;
  const long count = static_cast<long>(photos_.size());
  const std::string& original = photos_[k % count].bytes;
  const long pass = k / count;
  if (pass == 0) return original;
  // Each later pass a few pixels off and at another quality: other bytes, and a picture the
  // cache's hash may or may not take for the first pass's.
  const int crop = 1 + static_cast<int>((pass - 1) % 16);
  const int quality = 92 - static_cast<int>(((pass - 1) / 16) % 10);
  std::string changed = recropped_jpeg(original, crop, quality);
  return changed.empty() ? original : changed;
}

void SoakLoad::remember(std::string bytes) {
  auto photo = std::make_shared<Remembered>();
  photo->reencoded = recropped_jpeg(bytes, 0, kReencodeQuality);
  if (photo->reencoded.empty()) photo->reencoded = bytes;
  photo->bytes = std::move(bytes);
  std::lock_guard lock(mutex_);
  remembered_.push_back(std::move(photo));
}

std::shared_ptr<const SoakLoad::Remembered> SoakLoad::any_remembered(std::mt19937& rng) {
  std::lock_guard lock(mutex_);
  if (remembered_.empty()) return nullptr;
  return remembered_[std::uniform_int_distribution<std::size_t>(0, remembered_.size() - 1)(rng)];
}

std::string SoakLoad::renamed(const std::string& jpeg) {
  Result<std::string> out =
      image::with_jpeg_comment(jpeg, fmt::format("cardmint bench soak {}", renames_++));
  return out.ok() ? std::move(out).value() : jpeg;
}

bool SoakLoad::prime(httplib::Client& client) {
  std::mt19937 unused_rng;  // a miss draws nothing
  return send(SoakKind::kMiss, client, unused_rng, 0).expected;
}

SoakOutcome SoakLoad::recognize(SoakKind kind, httplib::Client& client, const std::string& body,
                                const std::string& content_type) {
  SoakOutcome out;
  out.kind = kind;
  const SteadyClock::time_point sent = SteadyClock::now();
  const httplib::Result res = client.Post("/recognize", body, content_type);
  out.ms = ms_since(sent);
  judge(out, res);
  return out;
}

SoakOutcome SoakLoad::stream(SoakKind kind, const std::string& image,
                             std::size_t stop_after_events) {
  client::StreamRequest request;
  request.host = target_.host;
  request.port = target_.port;
  request.image = image;
  request.stop_after_events = stop_after_events;
  request.timeout = kRequestTimeout;
  const client::StreamReply reply = client::post_recognize_stream(request);
  SoakOutcome out;
  out.kind = kind;
  out.ms = reply.total_ms;
  out.status = reply.status;
  if (stop_after_events > 0) {
    // Hanging up is what this kind does: no status, and the events it waited for.
    out.expected = reply.status == 0 && reply.events.size() >= stop_after_events;
    if (!out.expected) {
      out.detail = reply.status != 0 ? fmt::format("HTTP {} before the hang-up: {}", reply.status,
                                                   excerpt(reply.body))
                                     : fmt::format("{} events before the connection ended ({})",
                                                   reply.events.size(), reply.transport_error);
    }
    return out;
  }
  if (reply.status != 200) {
    out.detail = reply.status == 0 ? "no answer: " + reply.transport_error
                                   : fmt::format("HTTP {}: {}", reply.status, excerpt(reply.body));
    return out;
  }
  for (const client::ReceivedEvent& event : reply.events) {
    if (event.name == "error") {
      out.detail = "an error event: " + event.data.dump();
      return out;
    }
  }
  if (reply.events.empty() || reply.events.back().name != "complete" ||
      !reply.events.back().data.is_object()) {
    out.detail = fmt::format("{} events, the last not a complete one: {}", reply.events.size(),
                             excerpt(reply.body));
    return out;
  }
  out.expected = true;
  out.detail = answered_by(reply.events.back().data);
  return out;
}

SoakOutcome SoakLoad::get(SoakKind kind, httplib::Client& client, const std::string& path) {
  SoakOutcome out;
  out.kind = kind;
  const SteadyClock::time_point sent = SteadyClock::now();
  const httplib::Result res = client.Get(path);
  out.ms = ms_since(sent);
  judge(out, res);
  return out;
}

SoakOutcome SoakLoad::send(SoakKind kind, httplib::Client& client, std::mt19937& rng,
                           double started_s) {
  client.set_read_timeout(kRequestTimeout);
  client.set_write_timeout(kRequestTimeout);
  std::shared_ptr<const Remembered> seen;
  if (kind == SoakKind::kHit || kind == SoakKind::kChangedHit || kind == SoakKind::kTruncatedJpeg ||
      kind == SoakKind::kWrongType) {
    seen = any_remembered(rng);
    // Nothing remembered yet (every first upload so far unsure): a hit has nothing to repeat.
    if (seen == nullptr) kind = SoakKind::kMiss;
  }
  SoakOutcome out;
  switch (kind) {
    case SoakKind::kHit:
      out = recognize(kind, client, seen->bytes, "image/jpeg");
      break;
    case SoakKind::kChangedHit:
      out = recognize(kind, client, renamed(rng() % 2 == 0 ? seen->bytes : seen->reencoded),
                      "image/jpeg");
      break;
    case SoakKind::kMiss: {
      std::string photo = next_new_photo();
      out = recognize(kind, client, photo, "image/jpeg");
      // A photo whose card went unnamed is not remembered by the service either: repeating it
      // would be one more miss, not a hit.
      if (out.card_named) remember(std::move(photo));
      break;
    }
    case SoakKind::kStream: {
      // Half of them new photos (the recognizer's events), half remembered ones (the cache's).
      std::shared_ptr<const Remembered> repeat = rng() % 2 == 0 ? any_remembered(rng) : nullptr;
      out = stream(kind, repeat ? renamed(repeat->bytes) : next_new_photo(), 0);
      break;
    }
    case SoakKind::kDisconnect:
      out = stream(kind, next_new_photo(), 1);
      break;
    case SoakKind::kTruncatedJpeg:
      out = recognize(kind, client, truncated(seen->bytes), "image/jpeg");
      break;
    case SoakKind::kPngBomb:
      out = recognize(kind, client, bomb_, "image/png");
      break;
    case SoakKind::kWrongType:
      out = recognize(kind, client, seen->bytes, "text/plain");
      break;
    case SoakKind::kEmptyBody:
      out = recognize(kind, client, "", "image/jpeg");
      break;
    case SoakKind::kOversized:
      out = recognize(kind, client, oversized_, "image/jpeg");
      break;
    case SoakKind::kGarbage:
      out = recognize(kind, client, random_bytes(rng, 4096), "image/jpeg");
      break;
    case SoakKind::kHealth:
    case SoakKind::kStats:
    case SoakKind::kMetrics:
    case SoakKind::kCatalogSearch:
      out = get(kind, client, std::string(kKinds[static_cast<std::size_t>(kind)].read_path));
      break;
  }
  out.started_s = started_s;
  return out;
}

}  // namespace cardmint::cli
