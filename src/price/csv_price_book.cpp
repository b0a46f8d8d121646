#include "price/csv_price_book.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "base/elapsed.h"
#include "catalog/catalog_import.h"
#include "catalog/sqlite.h"
#include "price/price_list_csv.h"

namespace cardmint::price {
namespace {

using catalog::SqliteDb;
using catalog::SqliteStmt;

// A price list of every card ever printed, in every printing, is a few MB; a file this size is a
// mistake (the wrong file), not a price list.
constexpr std::uintmax_t kMaxListBytes = 64u << 20;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS csv_prices (
  card_id TEXT NOT NULL,
  printing TEXT NOT NULL,  -- catalog::finish_name
  currency TEXT NOT NULL,
  low REAL, mid REAL, high REAL, market REAL,
  imported_at_ms INTEGER NOT NULL,
  PRIMARY KEY (card_id, printing)
) WITHOUT ROWID;
)sql";

std::int64_t epoch_ms(WallClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void bind_figure(sqlite3_stmt* stmt, int index, const std::optional<double>& figure) {
  if (figure) {
    sqlite3_bind_double(stmt, index, *figure);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

std::optional<double> column_figure(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt, column);
}

}  // namespace

class CsvPriceBook::Impl {
 public:
  Impl(std::filesystem::path path, SqliteDb db) : path_(std::move(path)), db_(std::move(db)) {}

  Result<PriceListImportStats> replace_all(const std::vector<PriceListRow>& rows,
                                           SteadyClock::time_point started) {
    std::lock_guard lock(mu_);
    const std::int64_t imported_at = epoch_ms(WallClock::now());
    // IMMEDIATE: take the write lock before reading anything, so a concurrent import waits
    // (busy timeout) instead of failing half-way.
    if (Status s = catalog::exec_sql(db_.get(), "BEGIN IMMEDIATE"); !s.ok()) return s;
    Status written = write_locked(rows, imported_at);
    if (!written.ok()) {
      (void)catalog::exec_sql(db_.get(), "ROLLBACK");
      return written;
    }
    if (Status s = catalog::exec_sql(db_.get(), "COMMIT"); !s.ok()) {
      (void)catalog::exec_sql(db_.get(), "ROLLBACK");
      return s;
    }
    std::set<std::string_view> cards;
    for (const PriceListRow& row : rows) cards.insert(row.card_id);
    return PriceListImportStats{rows.size(), cards.size(), ms_since(started)};
  }

  Result<CardPrices> fetch(std::string_view card_id) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* stmt = select_.get();
    catalog::reset_stmt(stmt);
    catalog::bind_text(stmt, 1, card_id);
    CardPrices prices{.card_id = std::string(card_id), .quotes = {}, .fetched_at = {}};
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto imported_at =
          WallClock::time_point(std::chrono::duration_cast<WallClock::duration>(
              std::chrono::milliseconds(sqlite3_column_int64(stmt, 6))));
      prices.fetched_at = std::max(prices.fetched_at, imported_at);
      prices.quotes.push_back(PriceQuote{
          .source = "csv",
          .printing_key = catalog::column_text(stmt, 0),
          .currency = catalog::column_text(stmt, 1),
          .low = column_figure(stmt, 2),
          .mid = column_figure(stmt, 3),
          .high = column_figure(stmt, 4),
          .market = column_figure(stmt, 5),
          .updated =
              fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(WallClock::to_time_t(imported_at))),
          .fetched_at = imported_at});
    }
    catalog::reset_stmt(stmt);
    if (rc != SQLITE_DONE) {
      return catalog::sqlite_status(db_.get(), rc,
                                    fmt::format("reading the price list {}", path_.string()));
    }
    if (prices.quotes.empty()) {
      return Status::not_found(fmt::format("the price list has no card {}", card_id));
    }
    return prices;
  }

  Status prepare() {
    Result<SqliteStmt> select = catalog::prepare_sql(
        db_.get(),
        "SELECT printing, currency, low, mid, high, market, imported_at_ms FROM csv_prices "
        "WHERE card_id = ?1 ORDER BY printing");
    if (!select.ok()) return select.status();
    select_ = std::move(*select);
    return Status::ok_status();
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  Status write_locked(const std::vector<PriceListRow>& rows, std::int64_t imported_at) {
    if (Status s = catalog::exec_sql(db_.get(), "DELETE FROM csv_prices"); !s.ok()) return s;
    Result<SqliteStmt> insert = catalog::prepare_sql(
        db_.get(),
        "INSERT INTO csv_prices (card_id, printing, currency, low, mid, high, market, "
        "imported_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert.ok()) return insert.status();
    sqlite3_stmt* stmt = insert->get();
    for (const PriceListRow& row : rows) {
      catalog::reset_stmt(stmt);
      catalog::bind_text(stmt, 1, row.card_id);
      catalog::bind_text(stmt, 2, catalog::finish_name(row.finish));
      catalog::bind_text(stmt, 3, row.currency);
      bind_figure(stmt, 4, row.low);
      bind_figure(stmt, 5, row.mid);
      bind_figure(stmt, 6, row.high);
      bind_figure(stmt, 7, row.market);
      catalog::bind_int(stmt, 8, imported_at);
      if (const int rc = sqlite3_step(stmt); rc != SQLITE_DONE) {
        return catalog::sqlite_status(db_.get(), rc,
                                      fmt::format("writing line {} of the price list", row.line));
      }
    }
    return Status::ok_status();
  }

  const std::filesystem::path path_;
  std::mutex mu_;  // guards the connection and its statements
  SqliteDb db_;
  SqliteStmt select_;
};

Result<std::unique_ptr<CsvPriceBook>> CsvPriceBook::open(const std::filesystem::path& db_path) {
  std::error_code ec;
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ec);
  if (ec) {
    return Status::unavailable(fmt::format("cannot create the folder of the price list {}: {}",
                                           db_path.string(), ec.message()));
  }
  Result<SqliteDb> db = catalog::open_sqlite(
      db_path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  // WAL: a running service keeps reading while `cardmint prices import` writes.
  sqlite3_busy_timeout(db->get(), 2000);
  for (const char* sql : {"PRAGMA journal_mode=WAL", kSchema}) {
    if (Status s = catalog::exec_sql(db->get(), sql); !s.ok()) {
      return Status::unavailable(fmt::format("price list {}: {}", db_path.string(), s.message()));
    }
  }
  auto impl = std::make_unique<Impl>(db_path, std::move(*db));
  if (Status s = impl->prepare(); !s.ok()) return s;
  return std::unique_ptr<CsvPriceBook>(new CsvPriceBook(std::move(impl)));
}

CsvPriceBook::CsvPriceBook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvPriceBook::~CsvPriceBook() = default;

Result<PriceListImportStats> CsvPriceBook::import_csv(const std::filesystem::path& csv_path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(csv_path, ec);
  if (ec) {
    return Status::unavailable(
        fmt::format("cannot read the price list {}: {}", csv_path.string(), ec.message()));
  }
  if (size > kMaxListBytes) {
    return Status::invalid_input(fmt::format("{} is {} bytes; a price list is at most {}",
                                             csv_path.string(), size, kMaxListBytes));
  }
  std::ifstream in(csv_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return Status::unavailable(fmt::format("cannot read the price list {}", csv_path.string()));
  }
  Result<PriceListImportStats> stats = import_csv_text(text.str());
  if (!stats.ok() && stats.status().code() == StatusCode::kInvalidInput) {
    // "shop.csv: line 7: ...": the file too, for whoever runs the import from a script.
    return Status::invalid_input(
        fmt::format("{}: {}", csv_path.string(), stats.status().message()));
  }
  return stats;
}

Result<PriceListImportStats> CsvPriceBook::import_csv_text(std::string_view text) {
  const SteadyClock::time_point started = SteadyClock::now();
  Result<std::vector<PriceListRow>> rows = parse_price_list_csv(text);
  if (!rows.ok()) return rows.status();
  return impl_->replace_all(*rows, started);
}

Result<CardPrices> CsvPriceBook::fetch(std::string_view card_id) { return impl_->fetch(card_id); }

std::filesystem::path default_price_book_path() {
  return catalog::default_catalog_db_path().parent_path() / "prices.sqlite";
}

}  // namespace cardmint::price
