#include "catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "catalog/card_name.h"
#include "catalog/connection_pool.h"
#include "catalog/match_index.h"
#include "catalog/row_cache.h"
#include "catalog/sqlite.h"

namespace cardmint::catalog {
namespace {

// Softmax temperature for the confidence: a margin of 0.1 between the two best cards gives the
// best one ~92% of the mass, a tie gives each an equal share.
constexpr double kConfidenceTemperature = 0.04;
// Distinct cards that share the confidence mass; more add nothing once scores fall 0.3 behind.
constexpr size_t kConfidenceCards = 16;
// A printing whose finish the hint contradicts.
constexpr double kFinishMismatch = 0.9;
// Cards the text scores this close to the best compete on what the photo shows of the printing.
constexpr double kPrintingFitReach = 0.1;
// A finish this likely given its card is settled: four to one against its card's other printings.
constexpr double kSettledFinishShare = 0.8;
constexpr double kMinNameSearchScore = 0.3;
// A prior (MatchHints::prior) decides only among cards scored this close to the best: less than
// the softmax temperature, so the evidence it may overrule is at most about 2:1 (e^0.75). Wide
// enough for a reprint read by its printed alias (0.98 of the original's score).
constexpr double kPriorReach = 0.03;

// 1 - (1 - kFinishMismatch) * (1 - fit): a card that fits the photo keeps its score, one that
// cannot explain it loses as much as a contradicted finish hint, and no more: foil and layout
// readings can be fooled, and must not outvote a name and number read.
double weighed(double fit) { return 1.0 - (1.0 - kFinishMismatch) * (1.0 - fit); }

// A reading's log P(seen | A) / P(seen | B) as the ratio, kept within what a double holds.
double ratio_of(double log_ratio) { return std::exp(std::clamp(log_ratio, -20.0, 20.0)); }

// For a reading given as log P(seen | A) / P(seen | B), and a card that is A with chance `prior`:
// P(seen | card) over the better of P(seen | A) and P(seen | B), in (0, 1].
double seen_fit(double prior, double log_ratio) {
  const double ratio = ratio_of(log_ratio);
  return (prior * ratio + (1.0 - prior)) / std::max(ratio, 1.0);
}

// The foil readings' likelihood under the card's printing `f`, relative to the likeliest finish,
// in (0, 1]. The readings' log-likelihoods are for a framed card; foil on a full-art card says
// nothing of its printing, so `full_art`, the card's chance of a full-art print
// (full_art_given_layout), explains any finish alike.
double finish_likelihood(const std::array<double, 4>& ll, size_t f, double full_art) {
  const double best = *std::max_element(ll.begin(), ll.end());
  return full_art + (1.0 - full_art) * std::exp(ll[f] - best);
}

// finish_likelihood() summed over the card's printings.
double printings_likelihood(const IndexedCard& c, const std::array<double, 4>& ll,
                            double full_art) {
  double total = 0.0;
  for (size_t f = 0; f < std::size(kAllFinishes); ++f) {
    if (c.finishes & (1u << f)) total += finish_likelihood(ll, f, full_art);
  }
  return total;
}

// The card's chance of being a full-art print after the layout reading, for weighing the foil
// reading: foil over a whole frameless card reads as a reverse holo's for a framed card, yet it
// is what a full-art print shows. With the chance before that reading, a card rarely printed
// full-art would lose on the layout and gain on the foil for one cause, and its reverse printing
// gain on a holo-only card's though neither is likely framed.
double full_art_given_layout(const IndexedCard& c, const MatchHints& hints) {
  if (!hints.full_art_log_ratio) return c.full_art;
  const double ratio = ratio_of(*hints.full_art_log_ratio);
  return c.full_art * ratio / (c.full_art * ratio + 1.0 - c.full_art);
}

// How well the card explains what the photo shows of its printing, in (0, 1]: its printings,
// equally likely, against the foil readings' best finish; its chance of a full-art print
// against the layout seen; its era's border and HP colours against those seen.
double printing_fit(const IndexedCard& c, const MatchHints& hints) {
  double fit = 1.0;
  const int printings = std::popcount(c.finishes);
  if (hints.full_art_log_ratio) fit *= weighed(seen_fit(c.full_art, *hints.full_art_log_ratio));
  const double full_art = full_art_given_layout(c, hints);
  if (hints.finish_log_likelihood && printings > 0)
    fit *= weighed(printings_likelihood(c, *hints.finish_log_likelihood, full_art) / printings);
  if (hints.silver_border_log_ratio)
    fit *= weighed(seen_fit(c.silver_border ? 1.0 : 0.0, *hints.silver_border_log_ratio));
  if (hints.red_hp_log_ratio)
    fit *= weighed(seen_fit(c.red_hp ? 1.0 - full_art : 0.0, *hints.red_hp_log_ratio));
  return fit;
}

// MatchResult::finish_confidence.
double finish_confidence(const IndexedCard& c, Finish finish, const MatchHints& hints) {
  const int printings = std::popcount(c.finishes);
  if (printings <= 1 || (hints.finish && *hints.finish == finish)) return 1.0;
  if (!hints.finish_log_likelihood) return 1.0 / printings;
  const std::array<double, 4>& ll = *hints.finish_log_likelihood;
  const double full_art = full_art_given_layout(c, hints);
  return finish_likelihood(ll, static_cast<size_t>(finish), full_art) /
         printings_likelihood(c, ll, full_art);
}

MatchIndex::RankOptions rank_options_for(const MatchHints& hints) {
  MatchIndex::RankOptions options;
  options.set_id = hints.set_id;
  options.include_digital = hints.include_digital;
  return options;
}

// Leaves out the cards whose name is less like `name_norm` than the hints allow.
void drop_unlike_names(std::vector<ScoredCard>& ranked, std::string_view name_norm,
                       const MatchHints& hints) {
  if (hints.min_name_score > 0 && !name_norm.empty()) {
    std::erase_if(ranked, [&](const ScoredCard& c) { return c.name_score < hints.min_name_score; });
  }
}

Result<Card> read_card_row(sqlite3_stmt* s) {
  Card card;
  card.id = column_text(s, 0);
  card.set_id = column_text(s, 1);
  card.set_name = column_text(s, 2);
  card.local_id = column_text(s, 3);
  card.number = column_text(s, 4);
  card.name = column_text(s, 5);
  card.category = column_text(s, 6);
  card.hp = column_optional_int(s, 7);
  card.rarity = column_optional_text(s, 8);
  card.illustrator = column_optional_text(s, 9);
  card.stage = column_optional_text(s, 10);
  Result<std::vector<std::string>> attacks = column_string_array(s, 11);
  if (!attacks.ok())
    return Status::internal(fmt::format("card {}: {}", card.id, attacks.status().message()));
  card.attack_names = std::move(attacks).value();
  Result<std::vector<std::int64_t>> tcgplayer = column_int64_array(s, 12);
  if (!tcgplayer.ok())
    return Status::internal(fmt::format("card {}: {}", card.id, tcgplayer.status().message()));
  card.tcgplayer_ids = std::move(tcgplayer).value();
  return card;
}

CardSet read_set_row(sqlite3_stmt* s) {
  CardSet set;
  set.id = column_text(s, 0);
  set.name = column_text(s, 1);
  set.serie_id = column_text(s, 2);
  set.serie = column_text(s, 3);
  set.official_count = sqlite3_column_int(s, 4);
  set.total_count = sqlite3_column_int(s, 5);
  set.release_date = column_text(s, 6);
  set.abbreviation = column_optional_text(s, 7);
  set.digital_only = sqlite3_column_int(s, 8) != 0;
  set.prints_total = sqlite3_column_int(s, 9) != 0;
  set.card_count = sqlite3_column_int(s, 10);
  return set;
}

Status check_prior(const std::vector<CardPrior>& prior) {
  double total = 0.0;
  for (const CardPrior& p : prior) {
    if (!(p.probability >= 0.0 && p.probability <= 1.0))
      return Status::invalid_input(fmt::format("prior of {} is not a probability", p.card_id));
    total += p.probability;
  }
  if (total > 1.0 + 1e-9)
    return Status::invalid_input(fmt::format("prior probabilities sum to {:.3f}", total));
  return Status::ok_status();
}

// Resets the statement however the caller leaves.
struct StmtReset {
  sqlite3_stmt* stmt;
  ~StmtReset() { reset_stmt(stmt); }
};

}  // namespace

struct Catalog::Impl {
  std::unique_ptr<ConnectionPool> pool;
  MatchIndex index;
  std::unique_ptr<RowCache> rows;

  // The card's full record from the warm rows, else from SQLite on `conn` (leased on first need).
  Result<Card> card_record(std::string_view card_id,
                           std::optional<ConnectionPool::Lease>& conn) const {
    if (std::optional<Card> warm = rows->find(card_id)) return std::move(*warm);
    if (!conn) conn.emplace(pool->acquire());
    return read_card(**conn, card_id);
  }

  // Reorders the cards the evidence cannot separate from the best (within kPriorReach) by their
  // posterior: the evidence's softmax weight times the prior, the unpredicted mass spread evenly
  // over them. Returns how many cards lead `ranked` that way (0: the prior names none of them,
  // nothing changed) and sets `confidence` to the new best card's posterior.
  // REQUIRES: `ranked` sorted by score, not empty.
  size_t rank_by_prior(std::vector<ScoredCard>& ranked, const std::vector<CardPrior>& prior,
                       double& confidence) const {
    std::unordered_map<std::string_view, double> by_id;
    for (const CardPrior& p : prior) by_id[p.card_id] += p.probability;
    for (ScoredCard& scored : ranked) {
      if (auto it = by_id.find(index.card(scored.card).id); it != by_id.end())
        scored.prior = it->second;
    }
    const double best = ranked.front().score;
    size_t tied = 0;
    double predicted = 0.0;
    while (tied < ranked.size() && ranked[tied].score >= best - kPriorReach)
      predicted += ranked[tied++].prior;
    if (predicted <= 0.0) return 0;
    predicted = std::min(predicted, 1.0);
    auto weight = [&](const ScoredCard& c) {
      return std::exp((c.score - best) / kConfidenceTemperature);
    };
    // The tied cards' share of the confidence mass, as the evidence alone gives it.
    double mass = 0.0, tied_mass = 0.0;
    for (size_t i = 0; i < ranked.size() && i < kConfidenceCards; ++i) {
      mass += weight(ranked[i]);
      if (i < tied) tied_mass += weight(ranked[i]);
    }
    const double unpredicted = (1.0 - predicted) / static_cast<double>(tied);
    auto posterior = [&](const ScoredCard& c) { return weight(c) * (c.prior + unpredicted); };
    double total = 0.0;
    for (size_t i = 0; i < tied; ++i) total += posterior(ranked[i]);
    std::stable_sort(
        ranked.begin(), ranked.begin() + std::ptrdiff_t(tied),
        [&](const ScoredCard& a, const ScoredCard& b) { return posterior(a) > posterior(b); });
    confidence = ranked.front().score * (tied_mass / mass) * posterior(ranked.front()) / total;
    return tied;
  }

  Result<std::vector<Finish>> read_printings(ReadConnection& conn, std::string_view card_id) const {
    sqlite3_stmt* s = conn.printings.get();
    StmtReset reset{s};
    bind_text(s, 1, card_id);
    std::vector<Finish> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::optional<Finish> f = parse_finish(column_text(s, 0));
      if (!f) return Status::internal(fmt::format("card {}: unknown finish", card_id));
      out.push_back(*f);
    }
    if (rc != SQLITE_DONE) return sqlite_status(conn.db.get(), rc, "reading printings");
    std::sort(out.begin(), out.end());
    return out;
  }

  // The confidence, and every printing of the best hints.top_k cards of `ranked` (best first)
  // as candidates, into `result`.
  Status rank_to_result(std::vector<ScoredCard> ranked, const MatchHints& hints,
                        MatchResult& result) const {
    if (ranked.empty()) return Status::ok_status();
    // What the photo shows of the printing weighs each card first, so that the confidence and
    // the best card agree.
    // Relative to the best fit among the cards the text read fits about as well as the best:
    // the photo's printing only chooses among those. A reading that fits each alike (a card with
    // several printings never explains the foil as well as its likeliest one) changes nothing,
    // and a card the text singles out stays as sure as its name and number make it.
    std::vector<double> fits;
    double best_fit = 0.0;
    for (const ScoredCard& scored : ranked) {
      fits.push_back(printing_fit(index.card(scored.card), hints));
      if (scored.score >= ranked.front().score - kPrintingFitReach)
        best_fit = std::max(best_fit, fits.back());
    }
    for (size_t i = 0; i < ranked.size(); ++i) ranked[i].score *= std::min(1.0, fits[i] / best_fit);
    index.sort_ranked(ranked);

    const double best = ranked.front().score;
    double mass = 0.0;
    for (size_t i = 0; i < ranked.size() && i < kConfidenceCards; ++i) {
      mass += std::exp((ranked[i].score - best) / kConfidenceTemperature);
    }
    result.confidence = best / mass;
    // The cards the prior ordered keep its order below: they sort as if scored `best`.
    const size_t prior_ranked =
        hints.prior.empty() ? 0 : rank_by_prior(ranked, hints.prior, result.confidence);

    // Every printing of the best top_k cards. A finish hint reorders them; the foil readings
    // order each card's own printings.
    struct Pick {
      const ScoredCard* card;
      Finish finish;
      double score;
      double order;           // what the cards sort by: the score, or `best` for prior_ranked
      double log_likelihood;  // of the foil readings under this finish
    };
    std::vector<Pick> picks;
    for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(hints.top_k); ++i) {
      const IndexedCard& c = index.card(ranked[i].card);
      const size_t first = picks.size();
      const double full_art = full_art_given_layout(c, hints);
      for (size_t f = 0; f < std::size(kAllFinishes); ++f) {
        if (!(c.finishes & (1u << f))) continue;
        const Finish finish = kAllFinishes[f];
        const double factor = hints.finish && *hints.finish != finish ? kFinishMismatch : 1.0;
        const double ll =
            hints.finish_log_likelihood
                ? std::log(finish_likelihood(*hints.finish_log_likelihood, f, full_art))
                : 0.0;
        const double order = i < prior_ranked ? best : ranked[i].score;
        picks.push_back({&ranked[i], finish, ranked[i].score * factor, order * factor, ll});
      }
      std::stable_sort(picks.begin() + std::ptrdiff_t(first), picks.end(),
                       [](const Pick& a, const Pick& b) {
                         if (a.score != b.score) return a.score > b.score;
                         return a.log_likelihood > b.log_likelihood;
                       });
    }
    std::stable_sort(picks.begin(), picks.end(),
                     [](const Pick& a, const Pick& b) { return a.order > b.order; });
    if (picks.size() > static_cast<size_t>(hints.top_k))
      picks.resize(static_cast<size_t>(hints.top_k));

    std::optional<ConnectionPool::Lease> conn;
    std::map<int, Card> cards;
    for (const Pick& p : picks) {
      if (cards.count(p.card->card)) continue;
      Result<Card> card = card_record(index.card(p.card->card).id, conn);
      if (!card.ok()) return card.status();
      cards.emplace(p.card->card, std::move(*card));
    }
    for (const Pick& p : picks) {
      MatchCandidate m;
      m.card = cards.at(p.card->card);
      m.finish = p.finish;
      m.score = p.score;
      m.name_score = p.card->name_score;
      m.number_score = p.card->number_score;
      m.text_score = p.card->text_score;
      m.via_alias = p.card->via_alias;
      m.prior = p.card->prior;
      result.candidates.push_back(std::move(m));
    }
    if (!result.candidates.empty()) {
      const MatchCandidate& top = result.candidates.front();
      result.finish_confidence =
          finish_confidence(index.card(picks.front().card->card), top.finish, hints);
      result.finish_known = result.finish_confidence >= kSettledFinishShare;
    }
    return Status::ok_status();
  }

  Result<Card> read_card(ReadConnection& conn, std::string_view card_id) const {
    sqlite3_stmt* s = conn.get_card.get();
    StmtReset reset{s};
    bind_text(s, 1, card_id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return Status::not_found(fmt::format("no card {}", card_id));
    if (rc != SQLITE_ROW) return sqlite_status(conn.db.get(), rc, "reading a card");
    Result<Card> card = read_card_row(s);
    if (!card.ok()) return card;
    Result<std::vector<Finish>> finishes = read_printings(conn, card_id);
    if (!finishes.ok()) return finishes.status();
    card->printings = std::move(*finishes);
    return card;
  }
};

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::open(const CatalogOptions& options) {
  auto impl = std::make_unique<Impl>();
  Result<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::open(options.db_path, options.connections);
  if (!pool.ok()) return pool.status();
  impl->pool = std::move(*pool);
  impl->rows = std::make_unique<RowCache>(options.warm_rows);
  {
    ConnectionPool::Lease conn = impl->pool->acquire();
    Result<MatchIndex> index = MatchIndex::load(conn->db.get());
    if (!index.ok()) return index.status();
    impl->index = std::move(*index);
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

Result<Card> Catalog::get_card(std::string_view card_id) const {
  std::optional<ConnectionPool::Lease> conn;
  return impl_->card_record(card_id, conn);
}

Result<int> Catalog::warm(std::span<const std::string> card_ids) const {
  std::optional<ConnectionPool::Lease> conn;
  int read = 0;
  if (!impl_->rows->keeps_rows()) return read;
  for (const std::string& id : card_ids) {
    if (!impl_->index.find_card(id) || impl_->rows->contains(id)) continue;
    if (!conn) conn.emplace(impl_->pool->acquire());
    Result<Card> card = impl_->read_card(**conn, id);
    if (!card.ok()) return card.status();
    impl_->rows->put(std::move(*card));
    impl_->rows->count_warmed();
    ++read;
  }
  return read;
}

RowCacheStats Catalog::row_cache_stats() const { return impl_->rows->stats(); }

std::vector<NumberedCard> Catalog::cards_by_number(std::string_view set_id) const {
  std::vector<NumberedCard> out;
  for (int index : impl_->index.cards_of_set(set_id)) {
    const IndexedCard& c = impl_->index.card(index);
    out.push_back({c.id, c.number});
  }
  return out;
}

Result<CardSet> Catalog::get_set(std::string_view set_id) const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  sqlite3_stmt* s = conn->get_set.get();
  StmtReset reset{s};
  bind_text(s, 1, set_id);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return Status::not_found(fmt::format("no set {}", set_id));
  if (rc != SQLITE_ROW) return sqlite_status(conn->db.get(), rc, "reading a set");
  return read_set_row(s);
}

Result<std::vector<Finish>> Catalog::printings(std::string_view card_id) const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  Result<std::vector<Finish>> out = impl_->read_printings(*conn, card_id);
  if (out.ok() && out->empty()) return Status::not_found(fmt::format("no card {}", card_id));
  return out;
}

Result<int> Catalog::lookalike_count(std::string_view card_id) const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  sqlite3_stmt* s = conn->lookalikes.get();
  StmtReset reset{s};
  bind_text(s, 1, card_id);
  const int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) return sqlite_status(conn->db.get(), rc, "counting lookalike cards");
  return sqlite3_column_int(s, 0);
}

Result<std::vector<CardSet>> Catalog::list_sets() const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  sqlite3_stmt* s = conn->list_sets.get();
  StmtReset reset{s};
  std::vector<CardSet> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(read_set_row(s));
  if (rc != SQLITE_DONE) return sqlite_status(conn->db.get(), rc, "listing sets");
  return out;
}

Result<std::vector<Card>> Catalog::cards_in_set(std::string_view set_id) const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  std::vector<std::string> ids;
  {
    sqlite3_stmt* s = conn->cards_in_set.get();
    StmtReset reset{s};
    bind_text(s, 1, set_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) ids.push_back(column_text(s, 0));
    if (rc != SQLITE_DONE) return sqlite_status(conn->db.get(), rc, "listing cards");
  }
  std::vector<Card> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    Result<Card> card = impl_->read_card(*conn, id);
    if (!card.ok()) return card.status();
    out.push_back(std::move(*card));
  }
  return out;
}

Result<std::vector<Card>> Catalog::find_by_number(std::string_view number, std::optional<int> total,
                                                  const LookupOptions& options) const {
  const std::string norm = normalize_collector_number(number);
  if (norm.empty()) return Status::invalid_input("collector number is empty");
  const std::vector<int> hits = impl_->index.find_by_number(norm, total, options.include_digital);
  std::vector<Card> out;
  if (hits.empty()) return out;
  ConnectionPool::Lease conn = impl_->pool->acquire();
  for (int index : hits) {
    Result<Card> card = impl_->read_card(*conn, impl_->index.card(index).id);
    if (!card.ok()) return card.status();
    out.push_back(std::move(*card));
  }
  return out;
}

std::vector<NameMatch> Catalog::search_names(std::string_view text, int limit) const {
  std::vector<NameMatch> out;
  const std::string query = normalize_card_name(text);
  for (const NameIndex::Hit& hit : impl_->index.names().search(query, limit, kMinNameSearchScore)) {
    out.push_back({impl_->index.display_name(hit.id), impl_->index.names().name(hit.id), hit.score,
                   impl_->index.cards_with_name(hit.id)});
  }
  return out;
}

namespace {

// A search box's text as a name and a collector number: the last word holding a digit is the
// number ("pikachu 58", "58/102", "TG05"), the rest the name.
struct TypedQuery {
  std::string name;
  std::string number_line;
};

TypedQuery split_typed_query(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::exchange(word, {}));
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  TypedQuery q;
  std::optional<size_t> number_word;
  for (size_t i = words.size(); i-- > 0;) {
    if (std::any_of(words[i].begin(), words[i].end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      number_word = i;
      break;
    }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    if (number_word && i == *number_word) {
      q.number_line = words[i][0] == '#' ? words[i].substr(1) : words[i];
      continue;
    }
    if (!q.name.empty()) q.name += ' ';
    q.name += words[i];
  }
  return q;
}

}  // namespace

Result<std::vector<Card>> Catalog::search_cards(std::string_view text, int limit) const {
  if (limit < 1) return Status::invalid_input("limit must be at least 1");
  const TypedQuery query = split_typed_query(text);
  const std::string name_norm = normalize_card_name(query.name);
  std::vector<std::string> ids;
  std::set<std::string, std::less<>> seen;
  const auto take = [&](std::string_view id) {
    if (static_cast<int>(ids.size()) < limit && seen.emplace(id).second) ids.emplace_back(id);
  };

  if (!query.number_line.empty()) {
    MatchHints hints;
    hints.top_k = limit * 4;  // a card comes once per printing
    Result<MatchResult> matched = match(query.name, query.number_line, hints);
    if (!matched.ok()) return matched.status();
    for (const MatchCandidate& c : matched->candidates) {
      // Typed, not OCR'd: a number alone is a wish list of its cards; with a name, the number
      // only counts for cards with that name.
      if (c.number_score <= 0 || (!name_norm.empty() && c.name_score < 0.75)) continue;
      take(c.card.id);
    }
  }

  ConnectionPool::Lease conn = impl_->pool->acquire();
  // Ids of cards named `name`, or with a name that begins with it, the exact name first, newest
  // set first.
  const auto take_named = [&](const std::string& name, bool prefix) -> Status {
    if (static_cast<int>(ids.size()) >= limit) return Status::ok_status();
    Result<SqliteStmt> s = prepare_sql(
        conn->db.get(),
        "SELECT c.id FROM cards c JOIN sets s ON s.id = c.set_id "
        "WHERE (c.name_norm = ?1 OR (?2 AND c.name_norm > ?1 AND c.name_norm < ?1 || x'ff')) "
        "AND s.digital_only = 0 ORDER BY c.name_norm = ?1 DESC, s.release_date DESC, c.id "
        "LIMIT ?3");
    if (!s.ok()) return s.status();
    bind_text(s->get(), 1, name);
    bind_int(s->get(), 2, prefix ? 1 : 0);
    bind_int(s->get(), 3, limit);
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW) take(column_text(s->get(), 0));
    if (rc != SQLITE_DONE) return sqlite_status(conn->db.get(), rc, "searching card names");
    return Status::ok_status();
  };
  if (!name_norm.empty()) {
    if (Status s = take_named(name_norm, /*prefix=*/true); !s.ok()) return s;
    for (const NameMatch& near : search_names(query.name, 3)) {
      if (Status s = take_named(near.name_norm, /*prefix=*/false); !s.ok()) return s;
    }
  }

  std::vector<Card> cards;
  cards.reserve(ids.size());
  for (const std::string& id : ids) {
    Result<Card> card = impl_->read_card(*conn, id);
    if (!card.ok()) return card.status();
    cards.push_back(std::move(*card));
  }
  return cards;
}

Result<MatchResult> Catalog::match(std::string_view ocr_name, std::string_view ocr_number_line,
                                   const MatchHints& hints) const {
  MatchResult result;
  result.name_norm = normalize_card_name(ocr_name);
  if (!ocr_number_line.empty()) result.printed_number = parse_number_line(ocr_number_line);
  if (hints.top_k < 1) return Status::invalid_input("top_k must be at least 1");
  if (Status s = check_prior(hints.prior); !s.ok()) return s;
  MatchIndex::RankOptions options = rank_options_for(hints);
  impl_->index.add_sets_coded_in(ocr_number_line, options.coded_sets);
  std::vector<ScoredCard> ranked =
      impl_->index.rank(result.name_norm, result.printed_number, options);
  drop_unlike_names(ranked, result.name_norm, hints);
  if (Status s = impl_->rank_to_result(std::move(ranked), hints, result); !s.ok()) return s;
  return result;
}

Result<MatchResult> Catalog::match_printed_text(std::string_view ocr_name, const PrintedText& read,
                                                const MatchHints& hints) const {
  MatchResult result;
  result.name_norm = normalize_card_name(ocr_name);
  if (hints.top_k < 1) return Status::invalid_input("top_k must be at least 1");
  if (Status s = check_prior(hints.prior); !s.ok()) return s;
  MatchIndex::RankOptions options = rank_options_for(hints);
  for (const std::string& line : read.number_lines)
    impl_->index.add_sets_coded_in(line, options.coded_sets);
  std::vector<ScoredCard> ranked = impl_->index.rank_printed(result.name_norm, read, options);
  drop_unlike_names(ranked, result.name_norm, hints);
  if (!ranked.empty() && ranked.front().line >= 0) {
    result.number_line = read.number_lines[static_cast<size_t>(ranked.front().line)];
  }
  if (Status s = impl_->rank_to_result(std::move(ranked), hints, result); !s.ok()) return s;
  return result;
}

Result<CatalogStats> Catalog::stats() const {
  ConnectionPool::Lease conn = impl_->pool->acquire();
  sqlite3* db = conn->db.get();
  CatalogStats out;
  Result<std::int64_t> sets = query_int(db, "SELECT COUNT(*) FROM sets");
  Result<std::int64_t> cards = query_int(db, "SELECT COUNT(*) FROM cards");
  Result<std::int64_t> printings = query_int(db, "SELECT COUNT(*) FROM printings");
  for (const auto* r : {&sets, &cards, &printings}) {
    if (!r->ok()) return r->status();
  }
  out.sets = static_cast<int>(*sets);
  out.cards = static_cast<int>(*cards);
  out.printings = static_cast<int>(*printings);
  out.distinct_names = impl_->index.names().size();
  out.row_cache = impl_->rows->stats();
  Result<SqliteStmt> meta = prepare_sql(db, "SELECT key, value FROM catalog_meta");
  if (!meta.ok()) return meta.status();
  while (sqlite3_step(meta->get()) == SQLITE_ROW) {
    const std::string key = column_text(meta->get(), 0);
    if (key == "source_format") out.source_format = column_text(meta->get(), 1);
    if (key == "imported_at_utc") out.imported_at_utc = column_text(meta->get(), 1);
    if (key == "build_id") out.build_id = column_text(meta->get(), 1);
  }
  return out;
}

}  // namespace cardmint::catalog
