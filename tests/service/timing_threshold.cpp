#include "tests/service/timing_threshold.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "tests/service/cardmintd_process.h"
#include "tests/service/service_client.h"
#include "tests/service/test_images.h"

namespace cardmint::testing {
namespace {

// Wall time of one /recognize of `bytes`, in ms.
double timed_recognize_ms(int port, const std::string& bytes) {
  const auto start = std::chrono::steady_clock::now();
  const httplib::Result res = post_raw(port, bytes, "image/jpeg");
  EXPECT_TRUE(res && res->status == 200) << (res ? res->body : httplib::to_string(res.error()));
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

double ms_between_cache_hit_and_ocr_read() {
  CardmintdProcess server({"--cache-file", "memory"}, {}, /*with_model=*/false);
  if (!server.wait_ready(std::chrono::seconds(60))) {
    ADD_FAILURE() << server.log();
    return 0;
  }
  // 0006 is read surely, so it is remembered and its repeats are cache hits.
  const std::string sure = devset_photo("0006.jpg");
  double ocr_ms = timed_recognize_ms(server.port(), sure);
  for (const char* other : {"0001.jpg", "0002.jpg"}) {
    ocr_ms = std::min(ocr_ms, timed_recognize_ms(server.port(), devset_photo(other)));
  }
  double cache_ms = 1.0;
  for (int i = 0; i < 5; ++i) {
    cache_ms = std::max(cache_ms, timed_recognize_ms(server.port(), sure));
  }
  EXPECT_GT(ocr_ms, 8 * cache_ms) << "an OCR read (" << ocr_ms << " ms) and a cache hit ("
                                  << cache_ms << " ms) are too close to tell apart";
  return std::sqrt(ocr_ms * cache_ms);
}

}  // namespace cardmint::testing
