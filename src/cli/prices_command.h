#pragma once
#include <CLI/CLI.hpp>

namespace cardmint::cli {

// `cardmint prices import FILE.csv [--db PATH]`: replaces the shop's price list (price_list_csv.h),
// all or nothing.
// `cardmint prices get CARD_ID [--printing P] [--provider tcgdex|pokemontcg|csv] [--url URL]
// [--json]`: asks one price source for a card and prints its quotes, and with --printing the one a
// scan of that printing would show.
void register_prices_command(CLI::App& app);

}  // namespace cardmint::cli
