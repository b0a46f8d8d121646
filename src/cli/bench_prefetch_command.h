#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench prefetch DIR --manifest M [--json] [--price-latency-ms L] [model flags]`:
// a binder scanned in order (`cardmint-photos --sequential SET ...` writes one, with each photo's
// scan_order) through the real Recognizer and PriceService twice, side by side: without a scan
// session, and as one session, whose predictions prime the next match and prefetch the next
// cards' prices. The price API is a loopback server answering in TCGdex's shape after L ms (what
// a remote API costs). Per pass: top-1 and exact-printing accuracy, confident wrong answers,
// recognition p50/p90, time to the price p50/p90, and how many prices were ready at the answer.
void register_bench_prefetch_command(CLI::App& bench);

}  // namespace cardmint::cli
