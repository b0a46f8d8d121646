#pragma once
// GET /stats's body: what the cache holds and how it answered, model switches, answers by source,
// the queues (CPU work and each model's), and ServiceMetrics's window, alerts and degraded state.
// The dashboard's history (stats_history.h) samples the same body. Thread-safe.

#include <nlohmann/json.hpp>

namespace cardmint::service {

class ModelLoader;
class ServiceMetrics;

nlohmann::json stats_body(const ModelLoader& models, const ServiceMetrics& metrics);

}  // namespace cardmint::service
