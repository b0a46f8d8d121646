// cardmint: the command-line tool. One file per subcommand; this file only wires them up.
#include <CLI/CLI.hpp>

#include "base/log.h"
#include "cli/bench_batch_command.h"
#include "cli/bench_cache_command.h"
#include "cli/bench_catalog_command.h"
#include "cli/bench_cluster_command.h"
#include "cli/bench_prefetch_command.h"
#include "cli/bench_serve_command.h"
#include "cli/bench_soak_command.h"
#include "cli/bench_stream_command.h"
#include "cli/bench_vlm_command.h"
#include "cli/catalog_command.h"
#include "cli/cluster_command.h"
#include "cli/collection_command.h"
#include "cli/eval_command.h"
#include "cli/make_test_model_command.h"
#include "cli/prices_command.h"
#include "cli/scan_command.h"

int main(int argc, char** argv) {
  CLI::App app{"CardMint: recognize trading cards from photos"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "debug|info|warn|error")->envname("LOG_LEVEL");
  app.parse_complete_callback([&] { cardmint::configure_logging(log_level); });

  cardmint::cli::register_scan_command(app);
  cardmint::cli::register_catalog_command(app);
  cardmint::cli::register_eval_command(app);
  cardmint::cli::register_make_test_model_command(app);
  cardmint::cli::register_prices_command(app);
  cardmint::cli::register_collection_command(app);
  cardmint::cli::register_cluster_command(app);
  CLI::App* bench = app.add_subcommand("bench", "benchmarks, side by side in one run");
  bench->require_subcommand(1);
  cardmint::cli::register_bench_vlm_command(*bench);
  cardmint::cli::register_bench_catalog_command(*bench);
  cardmint::cli::register_bench_cache_command(*bench);
  cardmint::cli::register_bench_serve_command(*bench);
  cardmint::cli::register_bench_stream_command(*bench);
  cardmint::cli::register_bench_batch_command(*bench);
  cardmint::cli::register_bench_prefetch_command(*bench);
  cardmint::cli::register_bench_cluster_command(*bench);
  cardmint::cli::register_bench_soak_command(*bench);

  CLI11_PARSE(app, argc, argv);
  return 0;
}
