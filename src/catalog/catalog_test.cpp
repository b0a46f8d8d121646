// Lookups against the real catalog (data/catalog), imported once (see test_catalog.h).
#include "catalog/catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "catalog/catalog_import.h"
#include "catalog/test_catalog.h"

namespace cardmint::catalog {
namespace {

namespace fs = std::filesystem;
using testing::real_catalog;
using testing::real_catalog_db;

class RealCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { (void)real_catalog(); }
  const Catalog& catalog() const { return real_catalog(); }

  std::vector<std::string> ids(const std::vector<Card>& cards) const {
    std::vector<std::string> out;
    for (const Card& c : cards) out.push_back(c.id);
    return out;
  }
  MatchResult must_match(std::string_view name, std::string_view number,
                         const MatchHints& hints = {}) const {
    Result<MatchResult> m = catalog().match(name, number, hints);
    EXPECT_TRUE(m.ok()) << m.status().to_string();
    return m.ok() ? *m : MatchResult{};
  }
};

// Counts straight from cards.jsonl, read here independently of the importer.
struct SourceCounts {
  int cards = 0;
  std::map<std::string, int> by_flag;  // variants flag → cards with it set
  int without_flags = 0;
};

SourceCounts count_source() {
  SourceCounts counts;
  std::ifstream in(fs::path(CARDMINT_CATALOG_DIR) / "cards.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json card = nlohmann::json::parse(line);
    ++counts.cards;
    bool any = false;
    for (const char* flag : {"normal", "holo", "reverse", "firstEdition"}) {
      if (card["variants"][flag].get<bool>()) {
        ++counts.by_flag[flag];
        any = true;
      }
    }
    if (!any) ++counts.without_flags;
  }
  return counts;
}

std::map<std::string, int> query_counts(const char* sql) {
  std::map<std::string, int> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(real_catalog_db().c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] = sqlite3_column_int(stmt, 1);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST_F(RealCatalogTest, ImportKeepsEverySetCardAndPrinting) {
  Result<CatalogStats> stats = catalog().stats();
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->sets, 218);
  EXPECT_EQ(stats->cards, 23546);
  EXPECT_EQ(stats->source_format, "tcgdex");

  const SourceCounts source = count_source();
  EXPECT_EQ(source.cards, 23546);
  int flags = 0;
  for (const auto& [flag, n] : source.by_flag) flags += n;
  EXPECT_EQ(stats->printings, flags + source.without_flags);

  const std::map<std::string, int> by_finish =
      query_counts("SELECT finish, COUNT(*) FROM printings WHERE inferred = 0 GROUP BY finish");
  EXPECT_EQ(by_finish.at("normal"), source.by_flag.at("normal"));
  EXPECT_EQ(by_finish.at("holo"), source.by_flag.at("holo"));
  EXPECT_EQ(by_finish.at("reverse holo"), source.by_flag.at("reverse"));
  EXPECT_EQ(by_finish.at("first edition"), source.by_flag.at("firstEdition"));
  const std::map<std::string, int> inferred =
      query_counts("SELECT finish, COUNT(*) FROM printings WHERE inferred = 1 GROUP BY finish");
  EXPECT_EQ(inferred.at("normal"), source.without_flags);
  EXPECT_GT(source.without_flags, 0);
  // Every card has at least one printing.
  EXPECT_EQ(query_counts("SELECT 'n', COUNT(*) FROM cards WHERE id NOT IN "
                         "(SELECT card_id FROM printings)")
                .at("n"),
            0);
}

TEST_F(RealCatalogTest, FreshImportCountsAndTime) {
  testing::TempDir dir;
  Result<BuildStats> stats =
      import_catalog({CARDMINT_CATALOG_DIR, dir.path() / "c.sqlite", SourceFormat::kTcgdex});
  ASSERT_TRUE(stats.ok()) << stats.status().to_string();
  EXPECT_EQ(stats->sets, 218);
  EXPECT_EQ(stats->cards, 23546);
  EXPECT_EQ(stats->number_aliases, 25);  // the Celebrations Classic Collection
  const SourceCounts source = count_source();
  EXPECT_EQ(stats->inferred_printings, source.without_flags);
  // Reported, not asserted: speed is checked by `cardmint bench catalog`.
  RecordProperty("import_ms", static_cast<int>(stats->elapsed_ms));
  std::printf("import of the real catalog: %.0f ms\n", stats->elapsed_ms);
}

TEST_F(RealCatalogTest, PromoSetsAreTheOnesThatPrintNoTotal) {
  Result<std::vector<CardSet>> sets = catalog().list_sets();
  ASSERT_TRUE(sets.ok());
  ASSERT_EQ(sets->size(), 218u);
  std::set<std::string> promo;
  for (const CardSet& s : *sets) {
    if (!s.prints_total) promo.insert(s.id);
  }
  // The list in data/catalog/README.md ("Promo sets print no /total").
  EXPECT_EQ(promo, (std::set<std::string>{"basep", "np", "dpp", "hgssp", "bwp", "xyp", "smp",
                                          "swshp", "svp", "mep", "miscp", "wp", "P-A"}));
  EXPECT_TRUE(std::is_sorted(sets->begin(), sets->end(), [](const CardSet& a, const CardSet& b) {
    return a.release_date < b.release_date;
  }));
}

TEST_F(RealCatalogTest, GetCardSetAndPrintings) {
  Result<Card> charizard = catalog().get_card("base1-4");
  ASSERT_TRUE(charizard.ok()) << charizard.status().to_string();
  EXPECT_EQ(charizard->name, "Charizard");
  EXPECT_EQ(charizard->set_name, "Base Set");
  EXPECT_EQ(charizard->number, "4");
  EXPECT_EQ(charizard->hp, 120);
  EXPECT_EQ(charizard->category, "Pokemon");
  EXPECT_NE(std::find(charizard->attack_names.begin(), charizard->attack_names.end(), "Fire Spin"),
            charizard->attack_names.end());
  EXPECT_EQ(charizard->printings, (std::vector<Finish>{Finish::kHolo, Finish::kFirstEdition}));

  Result<CardSet> base = catalog().get_set("base1");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base->official_count, 102);
  EXPECT_EQ(base->card_count, 102);
  EXPECT_EQ(base->abbreviation, "BS");

  Result<std::vector<Finish>> pikachu = catalog().printings("base1-58");
  ASSERT_TRUE(pikachu.ok());
  EXPECT_EQ(*pikachu, (std::vector<Finish>{Finish::kNormal, Finish::kFirstEdition}));

  EXPECT_EQ(catalog().get_card("base1-999").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog().get_set("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog().printings("nope").status().code(), StatusCode::kNotFound);

  Result<std::vector<Card>> cards = catalog().cards_in_set("base1");
  ASSERT_TRUE(cards.ok());
  EXPECT_EQ(cards->size(), 102u);
}

TEST_F(RealCatalogTest, LookalikesAreCardsThatMayPrintTheSamePicture) {
  // Base Set 2 reprinted Base Set's Pikachu, artwork and text alike.
  Result<int> pikachu = catalog().lookalike_count("base1-58");
  ASSERT_TRUE(pikachu.ok()) << pikachu.status().to_string();
  EXPECT_GE(*pikachu, 1);
  // Baltoy (ex13-59) and Vulpix (me01-138): no other card has their name, text and artist.
  EXPECT_EQ(catalog().lookalike_count("ex13-59").value(), 0);
  EXPECT_EQ(catalog().lookalike_count("me01-138").value(), 0);
  EXPECT_EQ(catalog().lookalike_count("nope-1").value(), 0);
  EXPECT_EQ(catalog().stats()->build_id.empty(), false);
}

TEST_F(RealCatalogTest, FindByNumberMatchesTheSetSize) {
  Result<std::vector<Card>> pikachu = catalog().find_by_number("058", 102);
  ASSERT_TRUE(pikachu.ok());
  EXPECT_EQ(ids(*pikachu), (std::vector<std::string>{"base1-58", "hgss4-58"}));  // oldest first

  Result<std::vector<Card>> secret = catalog().find_by_number("201", 198);  // above the set size
  ASSERT_TRUE(secret.ok());
  EXPECT_NE(std::find(ids(*secret).begin(), ids(*secret).end(), "sv01-201"), ids(*secret).end());

  Result<std::vector<Card>> none = catalog().find_by_number("58", 999);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(catalog().find_by_number("", 102).status().code(), StatusCode::kInvalidInput);
}

TEST_F(RealCatalogTest, SubsetsMatchTheirOwnOrTheMainSetsCount) {
  Result<std::vector<Card>> tg = catalog().find_by_number("TG05", 30);
  ASSERT_TRUE(tg.ok());
  EXPECT_EQ(ids(*tg), (std::vector<std::string>{"swsh9tg-TG05", "swsh10tg-TG05", "swsh11tg-TG05",
                                                "swsh12tg-TG05"}));
  // Generations' Radiant Collection prints "RC12/RC32" inside an 83-card set.
  for (int total : {32, 83}) {
    Result<std::vector<Card>> rc = catalog().find_by_number("RC12", total);
    ASSERT_TRUE(rc.ok());
    const std::vector<std::string> found = ids(*rc);
    EXPECT_NE(std::find(found.begin(), found.end(), "g1-RC12"), found.end()) << total;
  }
}

TEST_F(RealCatalogTest, PromosAreFoundWithoutATotal) {
  Result<std::vector<Card>> promo = catalog().find_by_number("SWSH050", std::nullopt);
  ASSERT_TRUE(promo.ok());
  ASSERT_EQ(ids(*promo), std::vector<std::string>{"swshp-SWSH050"});
  EXPECT_EQ((*promo)[0].name, "Charizard V");
  Result<std::vector<Card>> with_total = catalog().find_by_number("SWSH050", 307);
  ASSERT_TRUE(with_total.ok());
  EXPECT_TRUE(with_total->empty());  // promos print no total
}

TEST_F(RealCatalogTest, ClassicCollectionIsFoundByTheOriginalNumber) {
  Result<std::vector<Card>> charizard = catalog().find_by_number("4", 102);
  ASSERT_TRUE(charizard.ok());
  const std::vector<std::string> found = ids(*charizard);
  EXPECT_NE(std::find(found.begin(), found.end(), "base1-4"), found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "cel25cc-CC002"), found.end());
  // _____'s Pikachu reprints a Wizards promo, which prints "24" and no total.
  Result<std::vector<Card>> promo24 = catalog().find_by_number("24", std::nullopt);
  ASSERT_TRUE(promo24.ok());
  const std::vector<std::string> promos = ids(*promo24);
  EXPECT_NE(std::find(promos.begin(), promos.end(), "basep-24"), promos.end());
  EXPECT_NE(std::find(promos.begin(), promos.end(), "cel25cc-CC008"), promos.end());
}

TEST_F(RealCatalogTest, DigitalCardsOnlyWhenAskedFor) {
  Result<std::vector<Card>> physical = catalog().find_by_number("1", 226);
  ASSERT_TRUE(physical.ok());
  for (const Card& c : *physical) EXPECT_NE(c.set_id, "A1");
  Result<std::vector<Card>> all = catalog().find_by_number("1", 226, {.include_digital = true});
  ASSERT_TRUE(all.ok());
  const std::vector<std::string> found = ids(*all);
  EXPECT_NE(std::find(found.begin(), found.end(), "A1-001"), found.end());
}

std::string top_name(const Catalog& catalog, std::string_view text) {
  std::vector<NameMatch> hits = catalog.search_names(text, 3);
  return hits.empty() ? "" : hits.front().name;
}

TEST_F(RealCatalogTest, MinNameScoreKeepsOnlyCardsNamedLikeTheReading) {
  // A junk strip read as "4" matches promo number 4 exactly: without a floor on the name, that
  // Pikachu outranks every Alakazam, whose numbers all differ.
  Result<MatchResult> loose = catalog().match("Alakazam", "Pee Pod 4");
  ASSERT_TRUE(loose.ok()) << loose.status().message();
  ASSERT_FALSE(loose->candidates.empty());
  EXPECT_NE(loose->candidates[0].card.name, "Alakazam");

  MatchHints sure;
  sure.min_name_score = 0.85;
  Result<MatchResult> strict = catalog().match("Alakazam", "Pee Pod 4", sure);
  ASSERT_TRUE(strict.ok()) << strict.status().message();
  ASSERT_FALSE(strict->candidates.empty());
  for (const MatchCandidate& c : strict->candidates) EXPECT_EQ(c.card.name, "Alakazam");
}

TEST_F(RealCatalogTest, SearchNamesToleratesOcrErrors) {
  EXPECT_EQ(top_name(catalog(), "Pikachv"), "Pikachu");
  EXPECT_EQ(top_name(catalog(), "Charizarcl"), "Charizard");
  EXPECT_EQ(top_name(catalog(), "Flabebe"), "Flabébé");
  EXPECT_EQ(top_name(catalog(), "Nidoran F"), "Nidoran♀");
  EXPECT_EQ(top_name(catalog(), "Nidoran♀"), "Nidoran♀");
  EXPECT_EQ(top_name(catalog(), "Nidoran M"), "Nidoran♂");
  EXPECT_EQ(top_name(catalog(), "Mr Mime"), "Mr. Mime");
  EXPECT_EQ(top_name(catalog(), "Lapras-GX"), "Lapras GX");
  // Case folds away: "EX" (XY era) and "ex" (EX and SV eras) share a key; numbers tell them apart.
  EXPECT_EQ(catalog().search_names("Blastoise-EX", 1).at(0).name_norm, "blastoise ex");
  EXPECT_EQ(top_name(catalog(), "Gengar ☆"), "Gengar");  // the star is not read reliably

  // Straight and curly apostrophes find the same name with a perfect score.
  for (const char* text : {"Professor's Research", "Professor’s Research"}) {
    std::vector<NameMatch> hits = catalog().search_names(text, 1);
    ASSERT_EQ(hits.size(), 1u) << text;
    EXPECT_EQ(hits[0].name_norm, "professors research") << text;
    EXPECT_DOUBLE_EQ(hits[0].score, 1.0) << text;
    EXPECT_GT(hits[0].card_count, 20) << text;
  }
}

// "Alolan Exeggutor ex" read clearly with a misread "5/78": Alolan Exeggutor V is 5/78 of Pokémon
// GO, but it is another card, not the name read with two letters wrong.
TEST_F(RealCatalogTest, ANameOfAnotherMechanicIsNotAClearName) {
  std::vector<NameMatch> hits = catalog().search_names("Alolan Exeggutor ex", 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].name, "Alolan Exeggutor ex");
  for (const NameMatch& hit : hits) {
    if (hit.name == "Alolan Exeggutor V") {
      EXPECT_LT(hit.score, 0.85);
    }
  }
  MatchHints clear_name;
  clear_name.min_name_score = 0.85;  // as the OCR recognizer asks for a clear name
  Result<MatchResult> m = catalog().match("Alolan Exeggutor ex", "5/78", clear_name);
  ASSERT_TRUE(m.ok()) << m.status().message();
  for (const MatchCandidate& c : m->candidates) EXPECT_NE(c.card.id, "swsh10.5-005");
}

TEST_F(RealCatalogTest, SearchNamesRanksBestFirst) {
  std::vector<NameMatch> hits = catalog().search_names("Pikachu", 5);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].name, "Pikachu");
  EXPECT_DOUBLE_EQ(hits[0].score, 1.0);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_LE(hits[i].score, hits[i - 1].score);
  EXPECT_TRUE(catalog().search_names("", 5).empty());
}

// The scan page's correction box: what a person types, not what OCR reads.
TEST_F(RealCatalogTest, SearchCardsFindsWhatAPersonTypes) {
  const auto ids = [&](std::string_view text, int limit) {
    Result<std::vector<Card>> cards = catalog().search_cards(text, limit);
    EXPECT_TRUE(cards.ok()) << cards.status().message();
    std::vector<std::string> out;
    if (cards.ok()) {
      for (const Card& c : *cards) out.push_back(c.id);
    }
    return out;
  };
  // Name and number: the card itself, first.
  ASSERT_FALSE(ids("pikachu 58/102", 5).empty());
  EXPECT_EQ(ids("pikachu 58/102", 5).front(), "base1-58");
  EXPECT_EQ(ids("Charizard 4", 5).front(), "base1-4");
  // A number alone: the cards printing it, each once.
  const std::vector<std::string> by_number = ids("58/102", 10);
  EXPECT_NE(std::find(by_number.begin(), by_number.end(), "base1-58"), by_number.end());
  // The start of a name: names that begin with it, the exact name ranked before longer ones.
  const std::vector<std::string> typed = ids("pikac", 8);
  ASSERT_EQ(typed.size(), 8u);
  for (const std::string& id : typed) {
    Result<Card> card = catalog().get_card(id);
    ASSERT_TRUE(card.ok());
    EXPECT_TRUE(card->name.starts_with("Pikachu")) << card->name;
    EXPECT_FALSE(catalog().get_set(card->set_id)->digital_only) << "a Pocket card: " << id;
  }
  EXPECT_EQ(catalog().get_card(ids("pikachu", 1).front())->name, "Pikachu");
  // A misspelling still finds the name.
  ASSERT_FALSE(ids("charizrd", 3).empty());
  EXPECT_EQ(catalog().get_card(ids("charizrd", 3).front())->name, "Charizard");
  // Nothing like a card, and a bad limit.
  EXPECT_TRUE(ids("qqqqzzzz", 5).empty());
  EXPECT_EQ(catalog().search_cards("pikachu", 0).status().code(), StatusCode::kInvalidInput);
}

TEST_F(RealCatalogTest, MatchPicksKnownCards) {
  struct Case {
    const char* name;
    const char* number_line;
    const char* expected;
  };
  for (const Case& c :
       {Case{"Pikachu", "58/102", "base1-58"}, Case{"Braixen", "TG01/TG30", "swsh12tg-TG01"},
        Case{"Charizard V", "SWSH050", "swshp-SWSH050"}, Case{"Toedscool", "201/198", "sv01-201"},
        Case{"Gulpin", "RC12/RC32", "g1-RC12"},
        Case{"Pikachv", "058 / 1O2", "base1-58"},  // OCR noise in both
        Case{"Braixcn", "TG0l/TG3O", "swsh12tg-TG01"},
        Case{"", "SWSH050", "swshp-SWSH050"}}) {  // no name read
    MatchResult m = must_match(c.name, c.number_line);
    ASSERT_FALSE(m.candidates.empty()) << c.name << " " << c.number_line;
    EXPECT_EQ(m.candidates[0].card.id, c.expected) << c.name << " " << c.number_line;
    EXPECT_GT(m.confidence, 0.85) << c.name << " " << c.number_line;
    EXPECT_LE(m.confidence, 1.0);
    for (const MatchCandidate& cand : m.candidates) {
      EXPECT_GE(cand.score, 0.0);
      EXPECT_LE(cand.score, 1.0);
    }
  }
}

TEST_F(RealCatalogTest, MatchOfBaseCharizardNamesItsClassicReprint) {
  // cel25cc-CC002 prints the same "Charizard 4/102": base1-4 ranks first, the reprint right
  // behind it, and the confidence says the two are hard to tell apart.
  MatchResult m = must_match("Charizarcl", "4/1O2");
  ASSERT_GE(m.candidates.size(), 2u);
  EXPECT_EQ(m.candidates[0].card.id, "base1-4");
  std::vector<std::string> order;
  for (const MatchCandidate& c : m.candidates) {
    if (std::find(order.begin(), order.end(), c.card.id) == order.end()) order.push_back(c.card.id);
  }
  ASSERT_GE(order.size(), 2u);
  EXPECT_EQ(order[1], "cel25cc-CC002");
  EXPECT_LT(m.confidence, 0.8);
  EXPECT_GT(m.confidence, 0.4);
}

TEST_F(RealCatalogTest, AmbiguousKeysGiveLowConfidence) {
  // Potion 15/30 is the same card in six Trainer kits.
  MatchResult potion = must_match("Potion", "15/30");
  ASSERT_GE(potion.candidates.size(), 2u);
  EXPECT_DOUBLE_EQ(potion.candidates[0].score, potion.candidates[1].score);
  EXPECT_NE(potion.candidates[0].card.id, potion.candidates[1].card.id);
  EXPECT_LT(potion.confidence, 0.3);
  // Two sets of the same size with a Dugtrio at 19, and two Trainer Galleries with Gardevoir TG05.
  EXPECT_LT(must_match("Dugtrio", "19/102").confidence, 0.6);
  EXPECT_LT(must_match("Gardevoir", "TG05/TG30").confidence, 0.6);
  // A name without a number fits 100+ Pikachu.
  EXPECT_LT(must_match("Pikachu", "").confidence, 0.1);
  // A clear read of a unique key is far more confident than any of these.
  EXPECT_GT(must_match("Pikachu", "58/102").confidence, 0.9);
}

TEST_F(RealCatalogTest, MatchWithNothingReadIsEmpty) {
  MatchResult m = must_match("", "");
  EXPECT_TRUE(m.candidates.empty());
  EXPECT_DOUBLE_EQ(m.confidence, 0.0);
  MatchHints none;
  none.top_k = 0;
  EXPECT_FALSE(catalog().match("Pikachu", "58/102", none).ok());
}

PrintedText printed(std::vector<std::string> number_lines, std::vector<std::string> body_lines = {},
                    std::vector<int> hp_values = {}) {
  PrintedText read;
  read.number_lines = std::move(number_lines);
  read.body_lines = std::move(body_lines);
  read.hp_values = std::move(hp_values);
  return read;
}

TEST_F(RealCatalogTest, SpelledNumberPicksTheCardALineTooGarbledToParseSpells) {
  // Pikachu is on 100+ cards; of them only base1-58 prints "58/102".
  Result<MatchResult> pikachu =
      catalog().match_printed_text("Pikachu", printed({"@@ &", "EM 5B/IO2 x"}));
  ASSERT_TRUE(pikachu.ok()) << pikachu.status().message();
  ASSERT_FALSE(pikachu->candidates.empty());
  EXPECT_EQ(pikachu->candidates[0].card.id, "base1-58");
  EXPECT_EQ(pikachu->number_line, "EM 5B/IO2 x");
  EXPECT_GT(pikachu->candidates[0].number_score, 0.6);
  Result<MatchResult> braixen = catalog().match_printed_text("Braixen", printed({"TGOlITG3O"}));
  ASSERT_TRUE(braixen.ok());
  ASSERT_FALSE(braixen->candidates.empty());
  EXPECT_EQ(braixen->candidates[0].card.id, "swsh12tg-TG01");
  // A line that spells no number leaves the name's cards about as likely as each other.
  Result<MatchResult> garbage = catalog().match_printed_text("Pikachu", printed({"xxxx"}));
  ASSERT_TRUE(garbage.ok());
  EXPECT_LT(garbage->confidence, pikachu->confidence);
  EXPECT_LT(garbage->confidence, 0.3);
  EXPECT_GT(pikachu->confidence, 0.5) << pikachu->confidence;
  // Nothing to go on: no answer, not a guess.
  Result<MatchResult> no_lines = catalog().match_printed_text("Pikachu", {});
  ASSERT_TRUE(no_lines.ok());
  EXPECT_TRUE(no_lines->candidates.empty());
  Result<MatchResult> no_name = catalog().match_printed_text("", printed({"58/102"}));
  ASSERT_TRUE(no_name.ok());
  EXPECT_TRUE(no_name->candidates.empty());
}

// The printings of one name print different attacks; the number need not be read to tell them
// apart, unless they are reprints.
TEST_F(RealCatalogTest, AbilityAndIllustratorPickAmongANamesPrintings) {
  auto best = [&](const PrintedText& read) {
    Result<MatchResult> m = catalog().match_printed_text("Togetic", read);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? std::move(m).value() : MatchResult{};
  };
  // Holy Shield is the ability of one Togetic, ex7-14; its attacks were not read.
  MatchResult ability = best(printed({}, {"Poke-BODY Holy Shield"}));
  ASSERT_FALSE(ability.candidates.empty());
  EXPECT_EQ(ability.candidates[0].card.id, "ex7-14");
  // Five printed Togetic have HP 80; Akira Komayama drew one of them.
  MatchResult drawn = best(printed({"Illus. Akira Komayoma", "weakness"}, {}, {80}));
  ASSERT_FALSE(drawn.candidates.empty());
  EXPECT_EQ(drawn.candidates[0].card.id, "bw8-103");
  EXPECT_GT(drawn.confidence, best(printed({"weakness"}, {}, {80})).confidence);
}

TEST_F(RealCatalogTest, AttackNamesAndHpPickAmongANamesPrintings) {
  auto best = [&](const PrintedText& read) {
    Result<MatchResult> m = catalog().match_printed_text("Pikachu", read);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? std::move(m).value() : MatchResult{};
  };
  // Volt Tackle alone is ru1-7's one attack; dp5-70 and sm12-66 print a second that was not read.
  MatchResult volt = best(printed({}, {"@ @ Volt Tacklc 60+", "Does 10 damage to itself."}));
  ASSERT_FALSE(volt.candidates.empty());
  EXPECT_EQ(volt.candidates[0].card.id, "ru1-7");
  EXPECT_GT(volt.confidence, 0.8);
  EXPECT_GT(volt.candidates[0].text_score, 0.6);
  // Read with Quick Attack, it is dp5-70.
  MatchResult quick = best(printed({}, {"Quick Attack 10+", "@@ Volt Tackle 60"}));
  ASSERT_FALSE(quick.candidates.empty());
  EXPECT_EQ(quick.candidates[0].card.id, "dp5-70");
  // basep-4 (HP 50) and hgssp-HGSS03 (HP 70) both print Recharge and Thunderbolt: the HP decides,
  // and without it the two stay unsure.
  MatchResult with_hp = best(printed({}, {"Recharge", "Thunderbolt 50"}, {50}));
  ASSERT_FALSE(with_hp.candidates.empty());
  EXPECT_EQ(with_hp.candidates[0].card.id, "basep-4");
  MatchResult without_hp = best(printed({}, {"Recharge", "Thunderbolt 50"}));
  ASSERT_GE(without_hp.candidates.size(), 2u);
  EXPECT_LT(without_hp.confidence, 0.6);
  EXPECT_GT(with_hp.confidence, without_hp.confidence);
  // Rules text that names no attack of any Pikachu settles nothing.
  MatchResult prose = best(printed({}, {"Flip a coin. If heads, discard an Energy."}));
  ASSERT_FALSE(prose.candidates.empty());  // the name's cards, none of them preferred
  EXPECT_LT(prose.confidence, 0.2);
  EXPECT_DOUBLE_EQ(prose.candidates[0].text_score, 0.0);
}

// The owner's name of "Rocket's Zapdos ex" can be lost to OCR; the number still finds the card,
// and without one the plain name's cards come first.
TEST_F(RealCatalogTest, ANameReadWithoutItsOwnerFindsTheOwnersCardByNumber) {
  MatchHints sure_of_name;
  sure_of_name.min_name_score = 0.85;  // as the OCR recognizer asks for a clear name
  MatchResult owned = must_match("Zapdos ex", "106/109", sure_of_name);
  ASSERT_FALSE(owned.candidates.empty());
  EXPECT_EQ(owned.candidates[0].card.id, "ex7-106");
  EXPECT_EQ(owned.candidates[0].card.name, "Rocket's Zapdos ex");
  EXPECT_GT(owned.confidence, 0.8);
  MatchResult plain = must_match("Zapdos ex", "", sure_of_name);
  ASSERT_FALSE(plain.candidates.empty());
  EXPECT_EQ(plain.candidates[0].card.name, "Zapdos ex");
}

// OCR often reads a name short of a word: without its mechanic's stylised mark ("Lapras" of
// Lapras V), without its first word (a form printed apart, or cut off with the line's start:
// "Mr. Rime", which reads as Mr. Mime clearly, of Galarian Mr. Rime), or misread but clearly
// one name ("MimiIkyU" as Mimikyu, of Mimikyu V). The number still finds the card; a number a
// card of the name read prints keeps that card; and without a number that name's cards come
// first.
TEST_F(RealCatalogTest, ANameReadShortOfAWordFindsTheCardByNumber) {
  MatchHints sure_of_name;
  sure_of_name.min_name_score = 0.85;  // as the OCR recognizer asks for a clear name
  struct Read {
    const char* name;
    const char* number;
    const char* card_id;
  };
  for (const Read& read : {Read{"Lapras", "SV110/SV122", "swsh4.5sv-SV110"},    // Lapras V
                           Read{"Charizard", "153/172", "swsh9-153"},           // Charizard V
                           Read{"Mr. Rime", "SV021/SV122", "swsh4.5sv-SV021"},  // Galarian
                           Read{"Geodude", "35/181", "sm9-35"},                 // Alolan
                           Read{"MimiIkyU", "148/163", "swsh5-148"},            // Mimikyu V
                           Read{"Lapras", "10/62", "base3-10"},                 // Fossil's own
                           Read{"Lapras", "", "base3-10"}, Read{"Geodude", "", "base3-47"}}) {
    MatchResult m = must_match(read.name, read.number, sure_of_name);
    ASSERT_FALSE(m.candidates.empty()) << read.name << " " << read.number;
    const Card& card = m.candidates[0].card;
    if (*read.number != '\0') {
      EXPECT_EQ(card.id, read.card_id) << read.name << " " << read.number;
    } else {  // the name's own cards, whichever printing
      Result<Card> named = catalog().get_card(read.card_id);
      ASSERT_TRUE(named.ok());
      EXPECT_EQ(card.name, named->name) << read.name;
    }
  }
  EXPECT_GT(must_match("Lapras", "SV110/SV122", sure_of_name).confidence, 0.85);
}

TEST_F(RealCatalogTest, HintsPickTheSetAndTheFinish) {
  MatchHints set_hint;
  set_hint.set_id = "tk-xy-w";
  MatchResult kit = must_match("Potion", "15/30", set_hint);
  ASSERT_FALSE(kit.candidates.empty());
  EXPECT_EQ(kit.candidates[0].card.id, "tk-xy-w-15");
  EXPECT_GT(kit.confidence, 0.9);

  // base1-58 Pikachu exists in normal and first edition; OCR cannot tell them apart.
  MatchResult plain = must_match("Pikachu", "58/102");
  ASSERT_GE(plain.candidates.size(), 2u);
  EXPECT_FALSE(plain.finish_known);
  EXPECT_DOUBLE_EQ(plain.finish_confidence, 0.5);  // two printings, nothing to tell them apart
  EXPECT_EQ(plain.candidates[0].card.id, plain.candidates[1].card.id);
  MatchHints finish_hint;
  finish_hint.finish = Finish::kFirstEdition;
  MatchResult first = must_match("Pikachu", "58/102", finish_hint);
  ASSERT_FALSE(first.candidates.empty());
  EXPECT_EQ(first.candidates[0].card.id, "base1-58");
  EXPECT_EQ(first.candidates[0].finish, Finish::kFirstEdition);
  EXPECT_TRUE(first.finish_known);
  EXPECT_DOUBLE_EQ(first.finish_confidence, 1.0);
  // One printing: its finish is as sure as the card.
  EXPECT_DOUBLE_EQ(kit.finish_confidence, 1.0);
}

TEST_F(RealCatalogTest, FoilReadingsOrderACardsPrintingsNotTheCards) {
  // hgss3-34 Raticate is printed normal and reverse holo.
  MatchHints reverse_seen;
  reverse_seen.finish_log_likelihood = std::array<double, 4>{0.0, -3.0, 1.0, -6.0};
  MatchResult reverse = must_match("Raticate", "34/90", reverse_seen);
  ASSERT_GE(reverse.candidates.size(), 2u);
  EXPECT_EQ(reverse.candidates[0].card.id, "hgss3-34");
  EXPECT_EQ(reverse.candidates[0].finish, Finish::kReverseHolo);
  EXPECT_FALSE(reverse.finish_known);  // e^1 to 1: not four to one
  EXPECT_GT(reverse.finish_confidence, 0.6);
  EXPECT_LT(reverse.finish_confidence, 0.8);
  MatchHints plain_seen;
  plain_seen.finish_log_likelihood = std::array<double, 4>{0.0, -3.0, -2.0, -6.0};
  MatchResult plain = must_match("Raticate", "34/90", plain_seen);
  ASSERT_FALSE(plain.candidates.empty());
  EXPECT_EQ(plain.candidates[0].finish, Finish::kNormal);
  EXPECT_TRUE(plain.finish_known);
  EXPECT_GT(plain.finish_confidence, reverse.finish_confidence);
  // The card read is as sure as without the photo's printing: its other printing does not
  // count against it.
  EXPECT_NEAR(plain.confidence, must_match("Raticate", "34/90").confidence, 1e-9);
}

TEST_F(RealCatalogTest, FoilReadingsSayNothingAgainstAFullArtCard) {
  // Iono: sv02-185 (framed: normal, reverse holo) and sv02-269 (a special illustration rare,
  // printed full-art, holo only). Foil over a frameless card reads as the body's, as on a
  // reverse holo; a full-art card explains it as well as any printing would.
  MatchHints foiled;
  foiled.finish_log_likelihood = std::array<double, 4>{0.0, -3.0, 3.0, -6.0};
  auto score_of = [](const MatchResult& m, std::string_view id) {
    for (const MatchCandidate& c : m.candidates)
      if (c.card.id == id) return c.score;
    return 0.0;
  };
  MatchHints wide = foiled;
  wide.top_k = 20;
  MatchHints wide_unseen;
  wide_unseen.top_k = 20;
  const MatchResult seen = must_match("Iono", "", wide);
  const MatchResult unseen = must_match("Iono", "", wide_unseen);
  ASSERT_GT(score_of(unseen, "sv02-269"), 0.0);
  EXPECT_GT(score_of(seen, "sv02-269"), 0.98 * score_of(unseen, "sv02-269"));
  // The framed card's own printings are still ordered by the readings.
  const auto framed = std::find_if(seen.candidates.begin(), seen.candidates.end(),
                                   [](const MatchCandidate& c) { return c.card.id == "sv02-185"; });
  ASSERT_NE(framed, seen.candidates.end());
  EXPECT_EQ(framed->finish, Finish::kReverseHolo);
}

TEST_F(RealCatalogTest, FoilOverAFramelessCardIsWeighedAsAFullArtPrintsFirst) {
  // Glaceon: sv06-054 (an uncommon: normal, reverse holo) and svp-171 (a promo, holo only), both
  // rarely printed full-art. Foil over a whole frameless card reads as a reverse holo's would on
  // a framed card, but the layout read says the card is full-art, and a full-art print explains
  // any foil: the reverse printing must not gain on the holo-only card for it (dev set 0091).
  auto score_of = [](const MatchResult& m, std::string_view id) {
    for (const MatchCandidate& c : m.candidates)
      if (c.card.id == id) return c.score;
    return 0.0;
  };
  MatchHints frameless;
  frameless.top_k = 100;
  frameless.finish_log_likelihood = std::array<double, 4>{0.0, -10.4, 9.9, -6.0};
  frameless.full_art_log_ratio = 4.66;
  const MatchResult seen = must_match("Glaceon", "", frameless);
  ASSERT_GT(score_of(seen, "sv06-054"), 0.0);
  EXPECT_GT(score_of(seen, "svp-171"), 0.98 * score_of(seen, "sv06-054"));
  // On a framed card the same foil is a reverse holo's, and the holo-only card explains it worse.
  MatchHints framed = frameless;
  framed.full_art_log_ratio = -5.2;
  const MatchResult seen_framed = must_match("Glaceon", "", framed);
  EXPECT_LT(score_of(seen_framed, "svp-171"), 0.96 * score_of(seen_framed, "sv06-054"));
}

TEST_F(RealCatalogTest, LayoutSeenPicksAmongANamesCardsWhenTheNumberIsNotRead) {
  // Giant Bomb: sm11-196 (framed) and sm11-251 (a secret rare, printed full-art).
  MatchHints full_art;
  full_art.full_art_log_ratio = 4.66;
  MatchResult seen_full = must_match("Giant Bomb", "", full_art);
  ASSERT_FALSE(seen_full.candidates.empty());
  EXPECT_EQ(seen_full.candidates[0].card.id, "sm11-251");
  MatchHints framed;
  framed.full_art_log_ratio = -5.2;
  MatchResult seen_framed = must_match("Giant Bomb", "", framed);
  ASSERT_FALSE(seen_framed.candidates.empty());
  EXPECT_EQ(seen_framed.candidates[0].card.id, "sm11-196");
  // A number read outweighs the layout.
  EXPECT_EQ(must_match("Giant Bomb", "196/236", full_art).candidates.at(0).card.id, "sm11-196");
}

TEST_F(RealCatalogTest, BorderSeenPicksAmongANamesCardsOfItsEra) {
  // Eleven Seismitoad, three of them from Scarlet & Violet (silver-bordered).
  auto silver_era = [](const MatchCandidate& c) { return c.card.set_id.starts_with("sv"); };
  MatchHints silver;
  silver.silver_border_log_ratio = 1.72;
  MatchResult seen_silver = must_match("Seismitoad", "", silver);
  ASSERT_FALSE(seen_silver.candidates.empty());
  EXPECT_TRUE(silver_era(seen_silver.candidates[0])) << seen_silver.candidates[0].card.id;
  MatchHints yellow;
  yellow.silver_border_log_ratio = -1.9;
  MatchResult seen_yellow = must_match("Seismitoad", "", yellow);
  ASSERT_FALSE(seen_yellow.candidates.empty());
  EXPECT_FALSE(silver_era(seen_yellow.candidates[0])) << seen_yellow.candidates[0].card.id;
  // A number read outweighs the border.
  EXPECT_EQ(must_match("Seismitoad", "46/192", silver).candidates.at(0).card.id, "swsh2-46");
}

TEST_F(RealCatalogTest, HpColourSeenPicksAmongANamesCardsOfItsEra) {
  // 28 Zapdos cards, 8 of them from Wizards of the Coast's sets (a red HP).
  auto red_hp_era = [](const MatchCandidate& c) {
    for (const char* serie : {"base", "gym", "neo", "si1", "lc", "ecard", "sp", "bog", "wp"})
      if (c.card.set_id.starts_with(serie)) return true;
    return false;
  };
  MatchHints red;
  red.red_hp_log_ratio = 4.33;
  red.top_k = 8;
  MatchResult seen_red = must_match("Zapdos", "", red);
  ASSERT_FALSE(seen_red.candidates.empty());
  for (const MatchCandidate& c : seen_red.candidates) EXPECT_TRUE(red_hp_era(c)) << c.card.id;
  MatchHints not_red;
  not_red.red_hp_log_ratio = -3.88;
  MatchResult seen_not_red = must_match("Zapdos", "", not_red);
  ASSERT_FALSE(seen_not_red.candidates.empty());
  EXPECT_FALSE(red_hp_era(seen_not_red.candidates[0])) << seen_not_red.candidates[0].card.id;
  // A number read outweighs the colour: Zapdos 150/147 of Supreme Victors, black HP.
  EXPECT_EQ(must_match("Zapdos", "150/147", red).candidates.at(0).card.id, "pl3-150");
  // A Trainer prints no HP: the colour says nothing of the era of Wizards' Master Ball.
  MatchResult ball = must_match("Master Ball", "", not_red);
  ASSERT_FALSE(ball.candidates.empty());
  EXPECT_EQ(ball.confidence, must_match("Master Ball", "").confidence);
}

TEST_F(RealCatalogTest, ASetCodeReadPicksItsSetsCard) {
  // TG17/TG30 is printed in four Trainer Galleries; "BRS" is Brilliant Stars'.
  MatchResult coded = must_match("", "BRS TG17/TG30");
  ASSERT_FALSE(coded.candidates.empty());
  EXPECT_EQ(coded.candidates[0].card.id, "swsh9tg-TG17");
  EXPECT_GT(coded.confidence, must_match("", "TG17/TG30").confidence);
  // Pikachu on the Ball 001/005 (Futsal 2020) shares its number with a creator pack's card.
  EXPECT_EQ(must_match("", "FUT20 001/005").candidates.at(0).card.id, "fut2020-1");
  // A code must stand alone: inside a word or a number it is no code.
  EXPECT_EQ(must_match("", "XBRS TG17/TG30").confidence, must_match("", "TG17/TG30").confidence);
  // Scarlet & Violet print the language after the code ("DRI EN"); OCR runs them together.
  // 155/182 is Paradox Rift's Maushold ex and Destined Rivals' Team Rocket's Porygon-Z.
  EXPECT_EQ(must_match("", "DRIEN 155/182").candidates.at(0).card.id, "sv10-155");
  EXPECT_EQ(must_match("", "PAR EN 155/182").candidates.at(0).card.id, "sv04-155");
}

TEST_F(RealCatalogTest, ConcurrentLookupsAgreeWithSerialOnes) {
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"Pikachu", "58/102"}, {"Charizard", "4/102"}, {"Braixen", "TG01/TG30"},
      {"Potion", "15/30"},   {"Mewtwo", "10/102"},   {"Charizard V", "SWSH050"}};
  std::vector<std::string> expected;
  for (const auto& [name, number] : queries) {
    expected.push_back(must_match(name, number).candidates.at(0).card.id);
  }
  std::vector<int> mismatches(8, 0);
  {
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < mismatches.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 50; ++round) {
          const size_t q = (t + static_cast<size_t>(round)) % queries.size();
          Result<MatchResult> m = catalog().match(queries[q].first, queries[q].second);
          if (!m.ok() || m->candidates.empty() || m->candidates[0].card.id != expected[q]) {
            ++mismatches[t];
          }
        }
      });
    }
  }
  for (int n : mismatches) EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace cardmint::catalog
