#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint bench soak --minutes N [--concurrency N] [--photos DIR] [--seed N] [--json]
// [--max-upload-bytes N] [--url URL [--pid PID]] [model flags]`: mixed load on one cardmintd over
// loopback for N minutes from --concurrency client threads (seeded): hits, changed hits, misses,
// streams, streams hung up after their first event, broken uploads the service must refuse
// (truncated JPEG, decompression bomb, wrong Content-Type, empty, over the upload limit, random
// bytes) and reads (/health, /stats, /metrics, /catalog/search). Without --url it starts the
// cardmintd built beside this cardmint, and at the end stops it with SIGTERM and reads what
// AddressSanitizer/LeakSanitizer said. Reports counts per kind, errors by kind (any answer other
// than the kind's, any failed connection), p50/p99 of good recognitions per window and the p99
// drift, and cardmintd's RSS after the warm-up, at the end and at its peak. Exits 1 on any error,
// leak or sanitizer report, or an unclean exit of cardmintd.
void register_bench_soak_command(CLI::App& bench);

}  // namespace cardmint::cli
