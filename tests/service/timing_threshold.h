#pragma once
// Tests that need a request to be "slow" (the slow-request alert, the request timeout) without
// faking time: a threshold between how long a repeat answered from the cache and a fresh OCR
// read take on this machine now, measured on a cardmintd of its own.

namespace cardmint::testing {

// The geometric mean of the slowest of five cache hits and the fastest of three OCR reads, in ms.
// Adds a test failure (and the numbers) when an OCR read is not at least 8 times a cache hit:
// then no threshold tells them apart reliably. 0 when the service did not start.
double ms_between_cache_hit_and_ocr_read();

}  // namespace cardmint::testing
