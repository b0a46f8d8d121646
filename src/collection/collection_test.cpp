#include "collection/collection.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/test_catalog.h"
#include "collection/collection_formats.h"

namespace cardmint::collection {
namespace {

namespace fs = std::filesystem;
using catalog::testing::real_catalog;
using catalog::testing::TempDir;

std::unique_ptr<Collection> open_at(const fs::path& path) {
  Result<std::unique_ptr<Collection>> c = Collection::open({path});
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return c.ok() ? std::move(*c) : nullptr;
}

AddRequest request(std::string card_id, std::string finish = "", int quantity = 1,
                   std::string session = "") {
  AddRequest r;
  r.card_id = std::move(card_id);
  r.finish = std::move(finish);
  r.quantity = quantity;
  r.session_id = std::move(session);
  return r;
}

AddOutcome must_add(Collection& c, const AddRequest& r) {
  Result<AddOutcome> outcome = c.add(real_catalog(), r);
  EXPECT_TRUE(outcome.ok()) << r.card_id << ": " << outcome.status().to_string();
  return outcome.ok() ? *outcome : AddOutcome{};
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class CollectionTest : public ::testing::Test {
 protected:
  void SetUp() override { collection_ = open_at(dir_.path() / "collection.sqlite"); }
  Collection& c() { return *collection_; }

  TempDir dir_;
  std::unique_ptr<Collection> collection_;
};

TEST_F(CollectionTest, AnAddCopiesTheCardsPrintedFacts) {
  const catalog::Card card = *real_catalog().get_card("base1-4");
  const catalog::CardSet set = *real_catalog().get_set(card.set_id);
  AddOutcome added = must_add(c(), request("base1-4", "holo"));
  const CollectionEntry& e = added.entry;
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.card_id, "base1-4");
  EXPECT_EQ(e.finish, "holo");
  EXPECT_EQ(e.condition, "near mint");
  EXPECT_EQ(e.language, "English");
  EXPECT_EQ(e.quantity, 1);
  EXPECT_EQ(e.name, card.name);
  EXPECT_EQ(e.set_id, set.id);
  EXPECT_EQ(e.set_name, set.name);
  EXPECT_EQ(e.set_code, set.abbreviation.value_or(""));
  EXPECT_EQ(e.number, "4");
  EXPECT_EQ(e.printed_total, set.official_count);
  EXPECT_EQ(e.rarity, card.rarity.value_or(""));
  ASSERT_FALSE(card.tcgplayer_ids.empty());
  EXPECT_EQ(e.tcgplayer_product_id, card.tcgplayer_ids.front());
  EXPECT_TRUE(e.holofoil);
  EXPECT_EQ(e.first_added_utc.size(), std::string("2026-12-05T18:30:00Z").size());
  EXPECT_EQ(e.first_added_utc.back(), 'Z');
  EXPECT_EQ(e.first_added_utc[10], 'T');
  EXPECT_EQ(e.first_added_utc, e.last_added_utc);
  EXPECT_FALSE(added.merged);
  EXPECT_EQ(added.quantity_before, 0);
  EXPECT_GT(added.event_id, 0);
}

TEST_F(CollectionTest, ASubsetCardPrintsItsRunsTotalAndAPromoNone) {
  AddOutcome tg = must_add(c(), request("swsh9tg-TG05"));
  EXPECT_EQ(tg.entry.number, "TG05");
  int tg_cards = 0;
  for (const catalog::NumberedCard& n : real_catalog().cards_by_number("swsh9tg")) {
    if (n.number.starts_with("TG")) ++tg_cards;
  }
  EXPECT_EQ(tg.entry.printed_total, tg_cards);
  AddOutcome promo = must_add(c(), request("swshp-SWSH001"));
  EXPECT_EQ(promo.entry.number, "SWSH001");
  EXPECT_EQ(promo.entry.printed_total, 0);
  EXPECT_EQ(promo.entry.tcgplayer_product_id, 0);  // the catalog has none for it
}

TEST_F(CollectionTest, AnEmptyFinishIsTheCardsFirstPrinting) {
  EXPECT_EQ(must_add(c(), request("sm3-40")).entry.finish, "normal");
  EXPECT_EQ(must_add(c(), request("base1-4")).entry.finish, "holo");
}

TEST_F(CollectionTest, AddingTheSamePrintingAgainMergesAndReportsTheQuantityBefore) {
  AddOutcome first = must_add(c(), request("sm3-40", "reverse holo", 2));
  AddOutcome again = must_add(c(), request("sm3-40", "Reverse Holo", 3));
  EXPECT_TRUE(again.merged);
  EXPECT_EQ(again.quantity_before, 2);
  EXPECT_EQ(again.entry.quantity, 5);
  EXPECT_EQ(again.entry.id, first.entry.id);
  EXPECT_GT(again.event_id, first.event_id);

  AddRequest played = request("sm3-40", "reverse holo");
  played.condition = "Lightly Played";
  AddOutcome other = must_add(c(), played);
  EXPECT_FALSE(other.merged);
  EXPECT_NE(other.entry.id, first.entry.id);
  EXPECT_EQ(other.entry.condition, "lightly played");
  AddRequest japanese = request("sm3-40", "reverse holo");
  japanese.language = "japanese";
  EXPECT_FALSE(must_add(c(), japanese).merged);
  EXPECT_EQ(c().list()->size(), 3u);
}

TEST_F(CollectionTest, AnUnknownCardIsNotFound) {
  Result<AddOutcome> added = c().add(real_catalog(), request("base1-999"));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(c().list()->empty());
}

TEST_F(CollectionTest, AFinishTheCardLacksIsInvalidInput) {
  for (const char* finish : {"reverse holo", "normal", "shiny"}) {
    Result<AddOutcome> added = c().add(real_catalog(), request("base1-4", finish));
    ASSERT_FALSE(added.ok()) << finish;
    EXPECT_EQ(added.status().code(), StatusCode::kInvalidInput) << finish;
  }
  EXPECT_TRUE(c().list()->empty());
}

TEST_F(CollectionTest, BadConditionQuantityLanguageOrSessionIsInvalidInput) {
  std::vector<AddRequest> bad;
  for (int quantity : {0, -1, 10001}) bad.push_back(request("base1-4", "", quantity));
  bad.push_back(request("base1-4"));
  bad.back().condition = "pristine";
  bad.push_back(request("base1-4"));
  bad.back().language = "Klingon";
  bad.push_back(request("base1-4", "", 1, std::string("bad\nid")));
  bad.push_back(request("base1-4"));
  bad.back().price = -1;
  for (const AddRequest& r : bad) {
    Result<AddOutcome> added = c().add(real_catalog(), r);
    ASSERT_FALSE(added.ok()) << r.quantity << " " << r.condition << " " << r.language;
    EXPECT_EQ(added.status().code(), StatusCode::kInvalidInput) << added.status().to_string();
  }
  EXPECT_TRUE(c().list()->empty());
}

TEST_F(CollectionTest, UndoTakesBackOnlyTheSessionsNewestAdd) {
  AddOutcome x = must_add(c(), request("base1-58", "normal", 1, "binder"));
  AddOutcome y = must_add(c(), request("sm3-40", "normal", 2, "binder"));
  AddOutcome z = must_add(c(), request("base1-4", "holo", 1, "box"));
  must_add(c(), request("base1-58", "normal", 4, "box"));  // merges into x's entry

  Result<ScanEvent> first = c().undo_last("binder");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->id, y.event_id);
  EXPECT_EQ(first->quantity, 2);
  EXPECT_EQ(first->entry_id, 0);  // its entry held only these two: gone
  EXPECT_EQ(first->entry.card_id, "sm3-40");
  EXPECT_EQ(first->entry.quantity, 0);
  EXPECT_EQ(c().get(y.entry.id).status().code(), StatusCode::kNotFound);

  Result<ScanEvent> second = c().undo_last("binder");
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->id, x.event_id);
  EXPECT_EQ(second->entry_id, x.entry.id);  // the box's four copies stay
  EXPECT_EQ(second->entry.quantity, 4);
  EXPECT_EQ(c().get(x.entry.id)->quantity, 4);

  Result<ScanEvent> third = c().undo_last("binder");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), StatusCode::kNotFound);

  EXPECT_EQ(c().get(z.entry.id)->quantity, 1);
  EXPECT_EQ(c().session_events("box")->size(), 2u);
  EXPECT_TRUE(c().session_events("binder")->empty());
  EXPECT_EQ(c().summary()->cards, 5);
}

TEST_F(CollectionTest, SessionEventsStillReadARemovedEntry) {
  AddOutcome added = must_add(c(), request("base1-76", "normal", 2, "binder"));
  ASSERT_TRUE(c().remove(added.entry.id).ok());
  Result<std::vector<ScanEvent>> events = c().session_events("binder");
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].entry_id, 0);
  EXPECT_EQ((*events)[0].entry.name, added.entry.name);
  EXPECT_EQ((*events)[0].entry.quantity, 0);
  EXPECT_EQ((*events)[0].quantity, 2);
  EXPECT_EQ(c().remove(added.entry.id).code(), StatusCode::kNotFound);
  Result<ScanEvent> undone = c().undo_last("binder");  // nothing left to take back
  ASSERT_TRUE(undone.ok()) << undone.status().to_string();
  EXPECT_EQ(undone->entry_id, 0);
  EXPECT_TRUE(c().list()->empty());
}

TEST_F(CollectionTest, ACorrectionOntoAnExistingEntryMergesThem) {
  AddOutcome normal = must_add(c(), request("sm3-40", "normal", 2, "binder"));
  AddOutcome reverse = must_add(c(), request("sm3-40", "reverse holo", 1, "binder"));
  EntryUpdate update;
  update.finish = "normal";
  Result<std::optional<CollectionEntry>> merged = c().update(reverse.entry.id, update);
  ASSERT_TRUE(merged.ok()) << merged.status().to_string();
  ASSERT_TRUE(merged->has_value());
  EXPECT_EQ((*merged)->id, normal.entry.id);
  EXPECT_EQ((*merged)->quantity, 3);
  EXPECT_EQ(c().list()->size(), 1u);
  EXPECT_EQ(c().get(reverse.entry.id).status().code(), StatusCode::kNotFound);
  // The merged entry's events follow it: undo takes the reverse holo's copy back from it.
  Result<ScanEvent> undone = c().undo_last("binder");
  ASSERT_TRUE(undone.ok()) << undone.status().to_string();
  EXPECT_EQ(undone->entry_id, normal.entry.id);
  EXPECT_EQ(undone->entry.quantity, 2);
}

TEST_F(CollectionTest, ACorrectionIsCheckedLikeAnAdd) {
  AddOutcome added = must_add(c(), request("base1-58", "normal"));
  EntryUpdate to_first;
  to_first.finish = "first edition";
  to_first.condition = "Moderately Played";
  to_first.quantity = 7;
  Result<std::optional<CollectionEntry>> changed = c().update(added.entry.id, to_first);
  ASSERT_TRUE(changed.ok() && changed->has_value()) << changed.status().to_string();
  EXPECT_EQ((*changed)->finish, "first edition");
  EXPECT_FALSE((*changed)->holofoil);  // Pikachu's first edition is not holo
  EXPECT_EQ((*changed)->condition, "moderately played");
  EXPECT_EQ((*changed)->quantity, 7);
  EXPECT_EQ(c().get(added.entry.id)->quantity, 7);

  std::vector<EntryUpdate> bad(4);
  bad[0].quantity = -1;
  bad[1].finish = "holo";
  bad[2].condition = "pristine";
  bad[3].language = "Klingon";
  for (const EntryUpdate& update : bad) {
    EXPECT_EQ(c().update(added.entry.id, update).status().code(), StatusCode::kInvalidInput);
  }
  EXPECT_EQ(c().update(added.entry.id + 100, to_first).status().code(), StatusCode::kNotFound);

  EntryUpdate zero;
  zero.quantity = 0;
  Result<std::optional<CollectionEntry>> removed = c().update(added.entry.id, zero);
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(removed->has_value());
  EXPECT_TRUE(c().list()->empty());
}

TEST_F(CollectionTest, TheSummaryCountsCopiesAndTheValueOfThePricedOnes) {
  AddRequest charizard = request("base1-4", "holo", 2, "binder");
  charizard.price = 10.0;
  AddRequest pikachu = request("base1-58", "normal", 1, "binder");
  pikachu.price = 2.5;
  must_add(c(), charizard);
  must_add(c(), pikachu);
  must_add(c(), request("sm3-40", "normal", 3, "box"));

  Result<CollectionSummary> all = c().summary();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->entries, 3);
  EXPECT_EQ(all->cards, 6);
  EXPECT_DOUBLE_EQ(all->total_value, 2 * 10.0 + 2.5);
  EXPECT_EQ(all->priced_entries, 2);

  Result<CollectionSummary> box = c().summary("box");
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(box->entries, 1);
  EXPECT_EQ(box->cards, 3);
  EXPECT_DOUBLE_EQ(box->total_value, 0);
  EXPECT_EQ(box->priced_entries, 0);

  // The export's summary counts the same way.
  ListOptions every;
  every.limit = 0;
  Result<std::vector<CollectionEntry>> entries = c().list(every);
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  const CollectionSummary listed = summarize(*entries);
  EXPECT_EQ(listed.entries, all->entries);
  EXPECT_EQ(listed.cards, all->cards);
  EXPECT_DOUBLE_EQ(listed.total_value, all->total_value);
  EXPECT_EQ(listed.priced_entries, all->priced_entries);

  // A new price replaces the old one; an add without one keeps it.
  charizard.price = 12.0;
  must_add(c(), charizard);
  must_add(c(), request("base1-4", "holo"));
  EXPECT_DOUBLE_EQ(c().summary()->total_value, 5 * 12.0 + 2.5);
}

// A binder's count is what was scanned in it, also a card that merged into an entry another
// session began; an undone add counts no more.
TEST_F(CollectionTest, ASessionsSummaryCountsItsOwnAddsAlsoThoseThatMerged) {
  AddRequest first = request("base1-58", "normal", 2, "box");
  first.price = 2.0;
  must_add(c(), first);
  must_add(c(), request("base1-58", "normal", 1, "binder"));  // merges into box's entry
  must_add(c(), request("base1-4", "holo", 1, "binder"));
  must_add(c(), request("base1-4", "holo", 1, "binder"));

  Result<CollectionSummary> binder = c().summary("binder");
  ASSERT_TRUE(binder.ok()) << binder.status().to_string();
  EXPECT_EQ(binder->entries, 2);
  EXPECT_EQ(binder->cards, 3);
  EXPECT_DOUBLE_EQ(binder->total_value, 1 * 2.0);
  EXPECT_EQ(binder->priced_entries, 1);
  EXPECT_EQ(c().summary("box")->cards, 2);

  ASSERT_TRUE(c().undo_last("binder").ok());
  EXPECT_EQ(c().summary("binder")->cards, 2);
  EXPECT_EQ(c().summary()->cards, 4);
}

TEST_F(CollectionTest, ListIsNewestAddFirstAndPages) {
  must_add(c(), request("base1-4", "holo", 1, "binder"));
  must_add(c(), request("base1-58", "normal", 1, "box"));
  must_add(c(), request("sm3-40", "normal", 1, "binder"));
  must_add(c(), request("base1-4", "holo", 1, "box"));  // the oldest entry, added again
  Result<std::vector<CollectionEntry>> listed = c().list();
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  std::vector<std::string> ids;
  for (const CollectionEntry& e : *listed) ids.push_back(e.card_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"base1-4", "sm3-40", "base1-58"}));
  ListOptions page;
  page.limit = 1;
  page.offset = 1;
  Result<std::vector<CollectionEntry>> second = c().list(page);
  ASSERT_TRUE(second.ok() && second->size() == 1u);
  EXPECT_EQ(second->front().card_id, "sm3-40");
  // An entry belongs to the session that first scanned it.
  ListOptions binder;
  binder.session_id = "binder";
  EXPECT_EQ(c().list(binder)->size(), 2u);
  page.limit = -1;
  EXPECT_EQ(c().list(page).status().code(), StatusCode::kInvalidInput);
}

TEST_F(CollectionTest, EntriesSurviveClosingAndReopening) {
  AddRequest r = request("swsh9tg-TG05", "holo", 3, "binder");
  r.price = 4.25;
  r.condition = "damaged";
  const CollectionEntry before = must_add(c(), r).entry;
  collection_.reset();
  collection_ = open_at(dir_.path() / "collection.sqlite");
  ASSERT_NE(collection_, nullptr);
  Result<CollectionEntry> after = c().get(before.id);
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ(entry_json(*after), entry_json(before));
  EXPECT_EQ(c().session_events("binder")->size(), 1u);
  EXPECT_TRUE(c().undo_last("binder").ok());  // the session's history persists too
}

TEST_F(CollectionTest, TheConnectionWritesAheadAndSyncsEveryCommit) {
  Result<CollectionStorage> storage = c().storage();
  ASSERT_TRUE(storage.ok()) << storage.status().to_string();
  EXPECT_EQ(storage->journal_mode, "wal");
  EXPECT_EQ(storage->synchronous, 2);  // FULL
  must_add(c(), request("base1-4"));
  EXPECT_TRUE(fs::exists(dir_.path() / "collection.sqlite-wal"));
}

TEST(CollectionFile, TheDefaultFileIsBesideTheCatalog) {
  EXPECT_EQ(default_collection_db("/srv/cardmint/catalog.sqlite"),
            fs::path("/srv/cardmint/collection.sqlite"));
}

TEST(CollectionFile, AFileThatIsNotACollectionIsRefusedAndLeftAlone) {
  TempDir dir;
  const fs::path catalog_copy = dir.path() / "catalog.sqlite";
  fs::copy_file(catalog::testing::real_catalog_db(), catalog_copy);
  const std::string bytes = file_bytes(catalog_copy);
  Result<std::unique_ptr<Collection>> opened = Collection::open({catalog_copy});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find("not a CardMint collection"), std::string::npos);
  EXPECT_EQ(file_bytes(catalog_copy), bytes);
  EXPECT_FALSE(fs::exists(dir.path() / "catalog.sqlite-wal"));

  const fs::path text = dir.path() / "notes.txt";
  catalog::testing::write_file(text, std::string(4096, 'x'));
  Result<std::unique_ptr<Collection>> not_sqlite = Collection::open({text});
  ASSERT_FALSE(not_sqlite.ok());
  EXPECT_EQ(not_sqlite.status().code(), StatusCode::kUnavailable);
}

TEST(CollectionFile, ACollectionOfAnotherSchemaVersionIsRefused) {
  TempDir dir;
  const fs::path path = dir.path() / "collection.sqlite";
  ASSERT_NE(open_at(path), nullptr);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  Result<std::unique_ptr<Collection>> opened = Collection::open({path});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
}

// A child process adds cards and reports each add that returned OK through a pipe; it is
// SIGKILLed mid-stream. Every add it reported must be in the file when the parent opens it.
TEST(CollectionFile, EveryAddReportedBeforeKill9IsOnDisk) {
  TempDir dir;
  const fs::path path = dir.path() / "collection.sqlite";
  const fs::path catalog_db = catalog::testing::real_catalog_db();  // imported before the fork
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No SQLite handle crosses the fork: the child opens its own catalog and collection.
    close(fds[0]);
    Result<std::unique_ptr<catalog::Catalog>> cat = catalog::Catalog::open({catalog_db});
    Result<std::unique_ptr<Collection>> col = Collection::open({path});
    if (!cat.ok() || !col.ok()) _exit(3);
    const char* cards[] = {"base1-4", "base1-58", "sm3-40", "swsh9tg-TG05", "basep-1"};
    for (std::int32_t done = 1; done < 1000000; ++done) {
      Result<AddOutcome> added = (*col)->add(**cat, request(cards[done % 5], "", 1, "kill"));
      if (!added.ok()) _exit(4);
      if (write(fds[1], &done, sizeof done) != sizeof done) _exit(5);
    }
    _exit(6);
  }
  close(fds[1]);
  std::int32_t reported = 0;
  const auto read_report = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    std::int32_t done = 0;
    if (read(fds[0], &done, sizeof done) != sizeof done) return false;
    reported = done;
    return true;
  };
  while (reported < 300 && read_report(60000)) {
  }
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  while (read_report(0)) {  // what it wrote before it died
  }
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended by itself, status " << status;
  ASSERT_GE(reported, 300);

  std::unique_ptr<Collection> reopened = open_at(path);
  ASSERT_NE(reopened, nullptr);
  Result<CollectionSummary> summary = reopened->summary();
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  // Every reported add is there; at most one more committed without its report.
  EXPECT_GE(summary->cards, reported);
  EXPECT_LE(summary->cards, reported + 1);
  EXPECT_EQ(static_cast<int>(reopened->session_events("kill", 2000000)->size()), summary->cards);
}

}  // namespace
}  // namespace cardmint::collection
