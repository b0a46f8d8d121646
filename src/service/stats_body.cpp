#include "service/stats_body.h"

#include <optional>

#include "service/model_loader.h"
#include "service/service_metrics.h"

namespace cardmint::service {

nlohmann::json stats_body(const ModelLoader& models, const ServiceMetrics& metrics) {
  nlohmann::json body = nlohmann::json::object();
  Result<recognize::Recognizer*> recognizer = models.recognizer();
  std::optional<cache::CardCacheStats> c;
  if (recognizer.ok()) {
    const recognize::RecognizerStats stats = (*recognizer)->stats();
    c = stats.cache;
    body["model_switches"] = stats.model_switches;
    body["answers_by_source"] = stats.answers_by_source;
    body["cpu_queue"] = stats.cpu_queue;
    nlohmann::json queues = nlohmann::json::array();
    for (const recognize::RecognizerStats::ModelQueue& q : stats.models) {
      queues.push_back({{"source", q.source},
                        {"queue_depth", q.queue_depth},
                        {"batch_size", q.batch_size},
                        {"jobs", q.jobs},
                        {"batches", q.batches},
                        {"batched_jobs", q.batched_jobs}});
    }
    body["models"] = std::move(queues);
  }
  if (c) {
    body["cache"] = {
        {"entries", c->entries},
        {"references", c->references},
        {"hits", {{"bytes", c->hits_bytes}, {"exact", c->hits_exact}, {"fuzzy", c->hits_fuzzy}}},
        {"misses", c->misses},
        {"refused_ambiguous", c->refused_ambiguous},
        {"refused_unconfirmed", c->refused_unconfirmed},
        {"evictions", c->evictions},
        {"load_ms", c->load_ms},
        {"shared",
         {{"hits", c->shared_hits},
          {"received", c->shared_received},
          {"errors", c->shared_errors},
          {"connected", c->shared_connected}}}};
  } else {
    body["cache"] = nullptr;
  }
  metrics.add_stats(body);
  return body;
}

}  // namespace cardmint::service
