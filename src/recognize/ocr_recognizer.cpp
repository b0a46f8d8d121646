#include "recognize/ocr_recognizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "base/elapsed.h"
#include "base/log.h"
#include "image/motion_blur.h"
#include "image/text_bands.h"
#include "image/text_lines.h"
#include "ocr/ocr_reader.h"

namespace cardmint::recognize {
namespace {

using Clock = SteadyClock;

// One Tesseract per thread, created on first use: TessBaseAPI is not thread-safe and takes ~100 ms
// to initialise, so it must be neither shared nor rebuilt per request.
Result<ocr::OcrReader*> thread_reader() {
  thread_local std::unique_ptr<ocr::OcrReader> reader;
  if (!reader) {
    Result<std::unique_ptr<ocr::OcrReader>> opened = ocr::OcrReader::open();
    if (!opened.ok()) return opened.status();
    reader = std::move(opened).value();
  }
  return reader.get();
}

struct CardText {
  std::vector<ocr::OcrLine> names;    // the title band's tallest lines, tallest first
  std::vector<ocr::OcrLine> numbers;  // the number strip's lines, tallest first, each size read
  std::vector<ocr::OcrLine> body;     // the body's tallest lines (attack names), when read
};

// Name candidates: the tallest lines. Not only the tallest one: the HP value, an energy symbol or
// art behind the title can be taller than the name's letters.
constexpr std::size_t kMaxNameLines = 4;
constexpr std::size_t kMaxNumberLines = 6;
constexpr double kSecondNumberReadScale = 1.3;
// The second, harder pass reads names smaller too: blurred capitals shrink better than they grow.
constexpr double kSmallNameHeight = 28.0;
constexpr double kBinarizedNumberHeight = 32.0;
constexpr double kDeblurSigma = 3.5;
// Motion blur merges a name's letters into blobs too wide to count as characters, so the line
// found can be its first letter alone ("M" of "Machamp"); the harder pass also reads this many
// character heights to the right of each line.
constexpr int kNameWidening = 8;
// Attack and ability names are the body's largest print, ~1.6 times the rules text; a card
// prints at most four of them, and damage figures and energy symbols come out as lines too. The
// body's tallest lines are read as found and, since blur splits lines, its tallest rows across
// the band as well: on generated photos of the development set, 80.5 % exact printing with the
// lines alone, 80.0 % with the rows alone, 81.0 % with both.
constexpr std::size_t kMaxBodyLines = 6;
constexpr std::size_t kMaxBodyRows = 4;
constexpr image::TextLineOptions kBodyLines{.min_char_height = 10, .max_char_height = 60};
// Motion blur is taken out of a card the reading could not settle when its path is at least this
// long on the rectified card; shorter smears leave the number readable as it is. Measured with
// `cardmint eval`, exact printing on the development set and on generated seeds 7 / 31 / 102:
// 89.5 / 81.3 / 80.0 / 87.0 % without the deblurred reading, 90.0 / 81.3 / 81.3 / 87.7 % with it,
// none confidently wrong. Adding a second reading with the path 15 % shorter lost one photo each
// on the development set and seed 31.
constexpr double kMinMotionBlurPx = 7.0;
// Wiener noise-to-signal of that deblurring: 0.005 rings JPEG noise into false strokes and 0.04
// leaves the smear; on the ten worst-smeared development photos 0.01-0.04 read the same.
constexpr double kDeblurNoiseToSignal = 0.02;

// One way of reading a line: the character height it is scaled to, and the enhancement.
struct ReadStyle {
  double char_height = image::kOcrCharHeight;
  image::EnhanceOptions enhance;
};

// The first pass reads each line as it is; the second, for a card the first could not settle,
// adds a binarised reading (print on foil or gradients), smaller names, and widened name crops.
// Measured with `cardmint eval` on generated photos of seeds 7 and 31 (150 each): exact printing
// 63.3 -> 70.0 % and 71.3 -> 75.3 %.
enum class Pass { kFirst, kSecond };

std::vector<ReadStyle> name_styles(Pass pass) {
  if (pass == Pass::kFirst) return {{}};
  return {{image::kOcrCharHeight, {.binarize = true}}, {kSmallNameHeight, {}}};
}

std::vector<ReadStyle> number_styles(Pass pass) {
  if (pass == Pass::kFirst) {
    // Small print is read at two sizes: a misread digit ("63/82" for "68/82") is often right at
    // the other, and the catalog with the name picks the reading that names a card.
    return {{}, {image::kOcrCharHeight * kSecondNumberReadScale, {}}};
  }
  return {{kBinarizedNumberHeight, {.binarize = true}},
          {image::kOcrCharHeight, {.deblur_sigma = kDeblurSigma}}};
}

// `line` with every word read, doubtful ones included; nullopt when none was dropped.
std::optional<ocr::OcrLine> with_every_word(const ocr::OcrLine& line) {
  ocr::OcrLine whole = ocr::line_of_words(line.words, 0.0);
  if (whole.text == line.text) return std::nullopt;
  whole.doubtful = true;
  return whole;
}

// Each of `lines` read in each style, appended to `out` unless read before or read as nothing.
Status read_lines(ocr::OcrReader& reader, const image::RgbImage& band,
                  const std::vector<image::TextLine>& lines, const std::vector<ReadStyle>& styles,
                  ocr::LineKind kind, std::vector<ocr::OcrLine>& out) {
  for (const image::TextLine& line : lines) {
    for (const ReadStyle& style : styles) {
      Result<image::RgbImage> crop =
          image::text_line_for_ocr(band, line, style.char_height, style.enhance);
      if (!crop.ok()) return crop.status();
      Result<ocr::OcrLine> read = reader.read(*crop, kind);
      if (!read.ok()) return read.status();
      auto seen = [&](const std::string& text) {
        return std::any_of(out.begin(), out.end(),
                           [&](const ocr::OcrLine& l) { return l.text == text; });
      };
      // A name line with its doubtful words too, when some were dropped: Tesseract rates some
      // clean print near 0, and the catalog judges a name better than that confidence does.
      std::optional<ocr::OcrLine> whole;
      if (kind == ocr::LineKind::kName) whole = with_every_word(*read);
      if (!read->text.empty() && !seen(read->text)) out.push_back(std::move(read).value());
      if (whole && !seen(whole->text)) out.push_back(std::move(*whole));
    }
  }
  return Status::ok_status();
}

// Tallest characters first, at most `limit` lines.
std::vector<image::TextLine> tallest(std::vector<image::TextLine> lines, std::size_t limit) {
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.char_height > b.char_height; });
  if (lines.size() > limit) lines.resize(limit);
  return lines;
}

// `lines`, each reaching kNameWidening character heights further right (within `band_width`);
// lines already at the band's edge are left out.
std::vector<image::TextLine> widened(const std::vector<image::TextLine>& lines, int band_width) {
  std::vector<image::TextLine> out;
  for (image::TextLine line : lines) {
    const int right =
        std::min(band_width, line.box.x + line.box.width + kNameWidening * line.char_height);
    if (right <= line.box.x + line.box.width) continue;
    line.box.width = right - line.box.x;
    out.push_back(line);
  }
  return out;
}

// How much of the photo around the card a number line cut by the card image's foot is read on
// into: a border's width, 4% of the card's 1039 px height.
constexpr int kSurroundMarginPx = 42;

// The card as OCR reads it: the rectified card and, where the caller has it, the photo it came
// from (a number line cut by the card image's foot is read on into it).
struct CardPicture {
  const image::RgbImage& card;
  const image::RgbImage* photo = nullptr;
  image::CardQuad quad;  // where `card` lies in `photo`, corners[0] its top-left, clockwise
  // The photo around the card (image::warp_card_surround), once a pass has needed it.
  std::optional<image::RgbImage> surround;
};

// True when one of `lines` reaches the foot of a band `height` tall: print cut by its edge.
bool touches_foot(const std::vector<image::TextLine>& lines, int height) {
  return std::any_of(lines.begin(), lines.end(), [&](const image::TextLine& line) {
    return line.box.y + line.box.height >= height - 1;
  });
}

// The card's text lines read in `pass`'s styles, added to `text`.
Status read_card_text(ocr::OcrReader& reader, CardPicture& picture, Pass pass, CardText& text) {
  Result<image::TextBands> bands = image::crop_text_bands(picture.card);
  if (!bands.ok()) return bands.status();
  Result<std::vector<image::TextLine>> titles =
      image::find_text_lines(bands->name, image::kTitleBandLines);
  if (!titles.ok()) return titles.status();
  Result<std::vector<image::TextLine>> numbers =
      image::find_text_lines(bands->number_strip, image::kNumberStripLines);
  if (!numbers.ok()) return numbers.status();

  const std::vector<image::TextLine> name_lines = tallest(std::move(titles).value(), kMaxNameLines);
  if (Status s = read_lines(reader, bands->name, name_lines, name_styles(pass),
                            ocr::LineKind::kName, text.names);
      !s.ok())
    return s;
  if (pass == Pass::kSecond) {
    if (Status s = read_lines(reader, bands->name, widened(name_lines, bands->name.width),
                              {{}, {image::kOcrCharHeight, {.binarize = true}}},
                              ocr::LineKind::kName, text.names);
        !s.ok())
      return s;
  }
  // The tallest small-print lines first: the number outranks the copyright line.
  std::vector<image::TextLine> number_lines = tallest(std::move(numbers).value(), kMaxNumberLines);
  if (!picture.photo || !touches_foot(number_lines, bands->number_strip.height)) {
    return read_lines(reader, bands->number_strip, number_lines, number_styles(pass),
                      ocr::LineKind::kNumber, text.numbers);
  }
  // A line cut by the card image's foot: the strip is read on into the photo past it instead.
  if (!picture.surround) {
    Result<image::RgbImage> surround = image::warp_card_surround(
        *picture.photo, picture.quad, picture.card.width, picture.card.height, kSurroundMarginPx);
    if (!surround.ok()) return surround.status();
    picture.surround = std::move(surround).value();
  }
  Result<image::RgbImage> past =
      image::crop_number_strip_past_edge(*picture.surround, kSurroundMarginPx);
  if (!past.ok()) return past.status();
  Result<std::vector<image::TextLine>> past_lines =
      image::find_text_lines(*past, image::kNumberStripLines);
  if (!past_lines.ok()) return past_lines.status();
  return read_lines(reader, *past, tallest(std::move(past_lines).value(), kMaxNumberLines),
                    number_styles(pass), ocr::LineKind::kNumber, text.numbers);
}

// The rows of the tallest of `lines`, at most `limit`, each across the whole band: an attack name
// is printed between energy symbols and a damage figure, and blur breaks it into pieces that
// come back as lines of their own ("p Powder" of "Sleep Powder"). A line on a row already kept
// is left out.
std::vector<image::TextLine> tallest_rows(std::vector<image::TextLine> lines, std::size_t limit,
                                          int band_width) {
  std::vector<image::TextLine> rows;
  const std::size_t all = lines.size();
  for (image::TextLine& line : tallest(std::move(lines), all)) {
    const int top = line.box.y, bottom = line.box.y + line.box.height;
    const bool on_kept_row = std::any_of(rows.begin(), rows.end(), [&](const image::TextLine& r) {
      const int overlap = std::min(bottom, r.box.y + r.box.height) - std::max(top, r.box.y);
      return overlap * 2 > std::min(line.box.height, r.box.height);
    });
    if (on_kept_row) continue;
    line.box.x = 0;
    line.box.width = band_width;
    rows.push_back(line);
    if (rows.size() == limit) break;
  }
  return rows;
}

// The body's rows of largest print: for a card whose name is sure but whose number did not
// settle the printing, the attack names tell its printings apart.
Status read_body_text(ocr::OcrReader& reader, const image::RgbImage& card, CardText& text) {
  Result<image::TextBands> bands = image::crop_text_bands(card);
  if (!bands.ok()) return bands.status();
  Result<std::vector<image::TextLine>> lines = image::find_text_lines(bands->body, kBodyLines);
  if (!lines.ok()) return lines.status();
  if (Status s = read_lines(reader, bands->body, tallest(*lines, kMaxBodyLines), {{}},
                            ocr::LineKind::kBody, text.body);
      !s.ok())
    return s;
  return read_lines(reader, bands->body,
                    tallest_rows(std::move(lines).value(), kMaxBodyRows, bands->body.width), {{}},
                    ocr::LineKind::kBody, text.body);
}

// True for an ASCII letter or the lead byte of a 2-byte UTF-8 Latin or Greek letter ("é" U+00E9,
// "δ" U+03B4); not for the symbols OCR makes of frame marks ("©" U+00A9, "»" U+00BB).
bool is_letter_byte(unsigned char c) {
  return std::isalpha(c) || (c >= 0xC3 && c <= 0xC9) || c == 0xCE || c == 0xCF;
}

// "HP", or a figure: the HP ("210"), or what blur and the title band's marks leave of it ("2\",",
// "(120)"). Left in, "Deoxys. 2\"," read as Deoxys V, clearly, and the printing's number
// (SM164 of Deoxys) went unheard. Marks inside a figure ("3.0" of Pokégear 3.0) or before it
// ("#1" of Blaine's Quiz #1) keep it.
bool is_hp_or_digits(std::string_view word) {
  if (word == "HP" || word == "hp" || word == "Hp") return true;
  constexpr std::string_view kMarks = "\"'.,;:()[]{}";
  const std::size_t first = word.find_first_not_of(kMarks);
  if (first == std::string_view::npos) return word.empty();
  const std::size_t last = word.find_last_not_of(kMarks);
  const std::string_view figure = word.substr(first, last - first + 1);
  return std::all_of(figure.begin(), figure.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The evolution stage label ("STAGE 1", "STAGE2") printed above or beside the name; no card
// name has a word starting so.
bool is_stage_label(const std::string& word) {
  constexpr std::string_view kStage = "stage";
  if (word.size() < kStage.size()) return false;
  for (std::size_t i = 0; i < kStage.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != kStage[i]) return false;
  }
  return true;
}

// A Trainer's or Energy's kind, printed in capitals on the title line ("SUPPORTER", "ITEM"):
// read as a name line of its own, "STADIUM" is clearly Drake's Stadium (a name read without its
// owner) and "ITEM" Inteleon beside a stray "2". Capitals: names print "Stadium" and "Energy"
// in title case ("Drake's Stadium", "Fairy Energy"); OCR mixes the case of small capitals
// ("suPPORTER"), so half the letters will do.
bool is_kind_label(const std::string& word) {
  static constexpr std::string_view kLabels[] = {"item", "supporter", "stadium",
                                                 "tool", "trainer",   "energy"};
  std::string letters;
  int capitals = 0;
  for (const char c : word) {
    if (!std::isalpha(static_cast<unsigned char>(c))) continue;
    capitals += std::isupper(static_cast<unsigned char>(c)) ? 1 : 0;
    letters += char(std::tolower(static_cast<unsigned char>(c)));
  }
  if (2 * capitals < int(letters.size())) return false;
  return std::find(std::begin(kLabels), std::end(kLabels), letters) != std::end(kLabels);
}

// A name line without the HP value and "HP" that can share its line on some layouts, nor the
// stage label or the kind label that can share it on others.
std::string name_without_hp(const std::string& line) {
  std::string name;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    if (is_hp_or_digits(word) || is_stage_label(word) || is_kind_label(word)) continue;
    if (!name.empty()) name += ' ';
    name += word;
  }
  return name;
}

// The numbers the title band's lines hold that could be an HP (10 to 400, in tens): "HP 130",
// "130 HP", "Blaziken 130".
std::vector<int> hp_values_in(const std::vector<ocr::OcrLine>& lines) {
  std::vector<int> out;
  for (const ocr::OcrLine& line : lines) {
    const std::string& t = line.text;
    for (std::size_t i = 0; i < t.size();) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) {
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
      if (end - i <= 3) {
        const int value = std::stoi(t.substr(i, end - i));
        if (value >= 10 && value <= 400 && value % 10 == 0 &&
            std::find(out.begin(), out.end(), value) == out.end())
          out.push_back(value);
      }
      i = end;
    }
  }
  return out;
}

struct Reading {
  CardText text;
  catalog::MatchResult match;
  std::string name_line;    // the name the catalog used
  std::string number_line;  // the strip line whose number the catalog used
  double number_confidence = 0;
  double confidence = 0;    // the match's, less when the name or the number was missing
  bool name_clear = false;  // a name line read as a catalog name (kClearNameScore)
};

double best_score(const catalog::MatchResult& m) {
  return m.candidates.empty() ? 0.0 : m.candidates[0].score;
}

// A pairing that lacks one side is weaker evidence than its match confidence says: a number
// alone ("109", "46/64") fits a card in another set as well as the one in hand, and a name alone
// cannot tell the card's printings in different sets apart.
constexpr double kNumberOnlyFactor = 0.6;
constexpr double kNameOnlyFactor = 0.8;
// A pairing whose card does not have the HP read on the title band (when one was read) is less
// sure by this much: the HP read holds the card's own 94.5 % of the time, another card's 5.8 %
// (generated seeds 101 and 102), so a tenth as in the catalog's other readings (catalog.cpp's
// kFinishMismatch), not the full 16:1, lest a misread HP outvote a name and number.
constexpr double kOtherHpFactor = 0.9;
constexpr long kMinNameLetters = 3;
// A name read this close to a catalog name (card_name.h's 0..1 similarity) is taken as read.
constexpr double kClearNameScore = 0.85;
// The rest of what was read (catalog.h's match_printed_text) picks a sure name's printing when
// a number line spells at least this much of its printed number, or when its attack names, its
// HP or its illustrator were read (an HP alone is 0.3 of the weights, 1.3 when the body and an
// illustrator were read too: it narrows a name's printings to a few, a better guess than any of
// them); and makes an answer at most this sure: below kClearNameScore, which is where a reading
// is taken as settled.
constexpr double kMinSpelledNumberScore = 0.65;
constexpr double kMinPrintedTextScore = 0.2;
constexpr double kMaxSpelledConfidence = 0.8;

// A number of one or two digits with no total ("1", "4/V"): a stray stroke in a blurred or noisy
// strip reads as such a number easily, and promos print exactly such numbers (Wizards' promo 1
// and 4 are Pikachu, one of 122), so with a name it is a guess, never a sure answer. A
// smeared 58/102 Pikachu read as "WHI 1 He" was Wizards promo 1 at confidence 1.0 without this.
// The price: a vintage promo's own "4" never makes a sure answer alone.
bool short_bare_number(const std::optional<catalog::PrintedNumber>& parsed) {
  return parsed && !parsed->total && !parsed->number.empty() && parsed->number.size() <= 2 &&
         std::all_of(parsed->number.begin(), parsed->number.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

// A capital letter alone ("G"): an Unown's whole number, and what a stray stroke in the strip
// reads as, so it counts only beside a clear name. Beside junk ("(Ez)") it named an Unown by
// its number alone.
bool lone_letter_number(const std::optional<catalog::PrintedNumber>& parsed) {
  return parsed && !parsed->total && parsed->number.size() == 1 &&
         std::isalpha(static_cast<unsigned char>(parsed->number[0])) != 0;
}

// Every pairing of a name candidate with a strip line (or with nothing, when that side was not
// read) is matched, and the surest pairing wins: a few dozen lookups at ~0.2 ms each. With a
// name to check them against, the strip lines' alternative readings (confused digits, a lost
// slash) are tried too; alone they would invent numbers.
Result<Reading> match_text(const catalog::Catalog& catalog, const CardText& text,
                           const catalog::MatchHints& hints) {
  std::vector<std::string> names;
  std::vector<std::string> clear_names;
  // A name that reads cleanly as a catalog name settles which card it is, up to the printing;
  // then a number read alone (from a copyright year, or misread) must not outvote it.
  auto is_clear = [&](const std::string& name) {
    const std::vector<catalog::NameMatch> found = catalog.search_names(name, 1);
    return !found.empty() && found.front().score >= kClearNameScore;
  };
  for (const ocr::OcrLine& line : text.names) {
    std::string name = name_without_hp(line.text);
    // A stray mark or frame edge reads as "|" or "©", and a smear as two letters ("Sy", "ae"),
    // which must not count as a name: two letters are within an edit or two of a dozen names,
    // and "Sy" with a digit of the number misread made Sylveon of a Polteageist V. The only
    // names that short, the Supporters N and AZ, are then found by their numbers alone.
    const auto letters = std::count_if(name.begin(), name.end(), is_letter_byte);
    if (letters < kMinNameLetters) continue;
    // A line with words Tesseract doubted counts only as a clear name: as a guess it is mostly
    // junk.
    const bool clear = is_clear(name);
    if (clear) clear_names.push_back(name);
    // The badge before the name ("BASIC", "MEGA") can join its line, read as a word of junk
    // ("bse |Guzzlord GX"): the rest of the line counts too, as a clear name only.
    if (!clear) {
      if (const std::size_t space = name.find(' '); space != std::string::npos) {
        std::string rest = name.substr(space + 1);
        if (is_clear(rest)) clear_names.push_back(std::move(rest));
      }
      // So can a word after it, a kind label however cased ("Gardenia's Vigor supporter"), when
      // what comes before still has two words: one word left of a line ("Starpedo Link") is as
      // likely the start of a longer name (Sharpedo Spirit Link) as a name on its own.
      if (const std::size_t space = name.rfind(' '); space != std::string::npos) {
        std::string head = name.substr(0, space);
        if (head.find(' ') != std::string::npos && is_clear(head))
          clear_names.push_back(std::move(head));
      }
    }
    if (clear || !line.doubtful) names.push_back(std::move(name));
  }
  catalog::MatchHints pairing_hints = hints;
  const std::vector<int> hp_read = hp_values_in(text.names);
  const bool clear_names_found = !clear_names.empty();
  if (clear_names.empty()) {
    names.emplace_back();
  } else {
    names = std::move(clear_names);
    pairing_hints.min_name_score = kClearNameScore;
  }
  struct Strip {
    std::string text;
    double confidence = 0;
    bool alternative = false;
    // What its number is, parsed once here rather than on every pairing with a name.
    bool short_bare = false;
    bool lone_letter = false;
  };
  auto strip_of = [](std::string line, double confidence, bool alternative) {
    const std::optional<catalog::PrintedNumber> parsed = catalog::parse_number_line(line);
    return Strip{std::move(line), confidence, alternative, short_bare_number(parsed),
                 lone_letter_number(parsed)};
  };
  // The strip's lines without the copyright year, whose digits would spell numbers; the same
  // lines serve the pairings below and the spelled match after them.
  std::vector<std::string> number_lines;
  for (const ocr::OcrLine& line : text.numbers)
    number_lines.push_back(catalog::without_copyright_years(line.text));
  std::vector<Strip> strips;
  for (std::size_t i = 0; i < number_lines.size(); ++i) {
    const double confidence = text.numbers[i].confidence;
    strips.push_back(strip_of(number_lines[i], confidence, false));
    for (std::string& other : catalog::number_line_alternatives(number_lines[i]))
      strips.push_back(strip_of(std::move(other), confidence, true));
  }
  strips.push_back({});

  Reading best;
  bool have = false;
  bool best_number_guessed = false;  // its number a short bare one: a guess (short_bare_number)
  for (const std::string& name : names) {
    for (const Strip& strip : strips) {
      if (name.empty() && (strip.text.empty() || strip.alternative)) continue;
      if (!clear_names_found && strip.lone_letter) continue;
      Result<catalog::MatchResult> match = catalog.match(name, strip.text, pairing_hints);
      if (!match.ok()) return match.status();
      double confidence = match->confidence;
      if (name.empty()) confidence *= kNumberOnlyFactor;
      if (strip.text.empty()) confidence *= kNameOnlyFactor;
      // A name with a number that only partly agrees (a lost "/165", a digit off) confirms the
      // printing less: "8" alone fits one of forty Ninetales by chance.
      if (!name.empty() && !strip.text.empty() && !match->candidates.empty())
        confidence *= 0.5 + 0.5 * match->candidates[0].number_score;
      if (strip.short_bare) confidence = std::min(confidence, kMaxSpelledConfidence);
      if (!hp_read.empty() && !match->candidates.empty()) {
        const std::optional<int>& hp = match->candidates[0].card.hp;
        if (!hp || std::find(hp_read.begin(), hp_read.end(), *hp) == hp_read.end())
          confidence *= kOtherHpFactor;
      }
      // Confidence first: a name alone scores 1.0 on each of its printings, but only its
      // confidence says that a name with a number singles one out.
      const double score = best_score(*match);
      if (!have || confidence > best.confidence ||
          (confidence == best.confidence && score > best_score(best.match))) {
        best.match = std::move(match).value();
        best.confidence = confidence;
        best.name_line = name;
        best.number_line = strip.text;
        best.number_confidence = strip.confidence;
        best_number_guessed = strip.short_bare;
        have = true;
      }
    }
  }
  best.name_clear = clear_names_found;
  best.text = text;
  if (auto log = logger("recognize"); log->should_log(spdlog::level::debug)) {
    auto texts = [](const std::vector<ocr::OcrLine>& lines) {
      std::string out;
      for (const ocr::OcrLine& l : lines) out += fmt::format(" \"{}\"", l.text);
      return out;
    };
    log->debug("read names:{} numbers:{} body:{}", texts(text.names), texts(text.numbers),
               texts(text.body));
  }
  if (!clear_names_found || best.confidence >= kClearNameScore) return best;
  // The name is sure but no number line parsed into the card's number: the lines may still
  // spell it ("EM 6l/1O6 @"), and the attack names and HP may tell the name's printings apart.
  // That is weaker evidence than a parse, so it never makes the answer sure on its own.
  catalog::PrintedText printed;
  printed.number_lines = number_lines;
  for (const ocr::OcrLine& line : text.body) printed.body_lines.push_back(line.text);
  printed.hp_values = hp_read;
  // The sure names compete on one scale here, name and printed text together: a name line with
  // a stray mark ("Raticate 8¢") fits a rarer name ("Raticate G") whose few printings make its
  // name-only pairing look surer than the exact name's many, though the HP read fits neither.
  std::optional<catalog::MatchResult> printed_best;
  std::string printed_name;
  for (const std::string& name : names) {
    Result<catalog::MatchResult> match = catalog.match_printed_text(name, printed, pairing_hints);
    if (!match.ok()) return match.status();
    if (match->candidates.empty()) continue;
    if (!printed_best || match->candidates[0].score > printed_best->candidates[0].score) {
      printed_best = std::move(match).value();
      printed_name = name;
    }
  }
  if (!printed_best) return best;
  const catalog::MatchCandidate& top = printed_best->candidates[0];
  if (top.number_score < kMinSpelledNumberScore && top.text_score < kMinPrintedTextScore)
    return best;
  const double confidence = std::min(kMaxSpelledConfidence, printed_best->confidence);
  // A name-only answer saw less than this ranking, which holds its cards too: it yields even
  // to a less sure answer. One paired with some number yields only to a surer one, unless that
  // number was a short bare one, a guess: a copyright's "96, 98, 99" misread "($5, $8.39)" made
  // a Fossil Lapras, whose attacks and "/62" were read, McDonald's Lapras 5.
  if (!best.number_line.empty() && !best_number_guessed && confidence <= best.confidence)
    return best;
  const auto line = std::find(number_lines.begin(), number_lines.end(), printed_best->number_line);
  best.number_confidence = line != number_lines.end()
                               ? text.numbers[std::size_t(line - number_lines.begin())].confidence
                               : 0.0;
  best.number_line = printed_best->number_line;
  best.match = std::move(*printed_best);
  best.confidence = confidence;
  best.name_line = printed_name;
  return best;
}

// Whether `a` is the better reading of the card than `b`. One whose name reads as a catalog name
// outranks one whose name does not, unless that one is settled: junk read off the card turned
// upside down ("ema") matches a name with few printings (Emma) surer than a sure name with many
// printings (Greninja ex) whose number was not read.
bool surer(const Reading& a, const Reading& b) {
  if (a.name_clear != b.name_clear) {
    const Reading& unclear = a.name_clear ? b : a;
    if (unclear.confidence < kClearNameScore) return a.name_clear;
  }
  return a.confidence > b.confidence;
}

// Whether `reading` is sure enough to stop reading the card.
bool settled(const Result<Reading>& reading, double reread_below) {
  return !reading.ok() || reading->confidence >= reread_below;
}

// The card read once, and read again harder while that does not settle it: more styles; then the
// body's attack names, which help only a sure name; then, when the picture shows a hand's motion
// blur, the card with the blur taken out, its lines added to what was read so far (a name read
// before and a number read only now pair up).
Result<Reading> read_and_match(const catalog::Catalog& catalog, ocr::OcrReader& reader,
                               CardPicture& picture, const catalog::MatchHints& hints,
                               double reread_below) {
  CardText text;
  if (Status s = read_card_text(reader, picture, Pass::kFirst, text); !s.ok()) return s;
  Result<Reading> reading = match_text(catalog, text, hints);
  if (settled(reading, reread_below)) return reading;
  if (Status s = read_card_text(reader, picture, Pass::kSecond, text); !s.ok()) return s;
  reading = match_text(catalog, text, hints);
  if (settled(reading, reread_below)) return reading;
  if (reading->name_clear) {
    if (Status s = read_body_text(reader, picture.card, text); !s.ok()) return s;
    reading = match_text(catalog, text, hints);
    if (settled(reading, reread_below)) return reading;
  }
  const std::optional<image::MotionBlur> blur =
      image::estimate_motion_blur(picture.card, kMinMotionBlurPx);
  if (!blur) return reading;
  Result<image::RgbImage> sharpened =
      image::remove_motion_blur(picture.card, *blur, kDeblurNoiseToSignal);
  if (!sharpened.ok()) return sharpened.status();
  CardPicture sharp{*sharpened, nullptr, {}, std::nullopt};
  if (Status s = read_card_text(reader, sharp, Pass::kSecond, text); !s.ok()) return s;
  Result<Reading> deblurred = match_text(catalog, text, hints);
  if (deblurred.ok() && !settled(deblurred, reread_below) && deblurred->name_clear) {
    if (Status s = read_body_text(reader, *sharpened, text); !s.ok()) return s;
    deblurred = match_text(catalog, text, hints);
  }
  return deblurred;
}

}  // namespace

CardMatch to_card_match(const catalog::Catalog& catalog, const catalog::MatchCandidate& candidate) {
  const catalog::Card& card = candidate.card;
  CardMatch out;
  out.id = card.id;
  out.name = card.name;
  out.set_id = card.set_id;
  out.set_name = card.set_name;
  out.number = card.local_id;
  Result<catalog::CardSet> set = catalog.get_set(card.set_id);
  out.printed_total = set.ok() && set->prints_total ? set->official_count : 0;
  out.finish = std::string(catalog::finish_name(candidate.finish));
  out.condition = "unknown";  // condition grading needs the model; OCR cannot see wear
  return out;
}

OcrRecognizer::OcrRecognizer(const catalog::Catalog& catalog, const OcrRecognizerOptions& options)
    : catalog_(catalog), options_(options) {}

Result<Recognition> OcrRecognizer::recognize(const image::RectifiedCard& card,
                                             const catalog::MatchHints& hints,
                                             const image::RgbImage* photo) const {
  Recognition out;
  out.source = "ocr";
  Result<ocr::OcrReader*> reader = thread_reader();
  if (!reader.ok()) return reader.status();
  const auto start = Clock::now();
  CardPicture upright{card.card, photo, card.quad, std::nullopt};
  Result<Reading> reading =
      read_and_match(catalog_, **reader, upright, hints, options_.reread_below);
  if (!reading.ok()) return reading.status();
  // Layout cues can mistake a card for upside down; when they are unsure, the text read the
  // other way up decides. When they are sure but the text read that way up is junk, only a
  // reading the other way up that finds a catalog name, or settles, overturns them: junk read
  // either way can spell a short name ("daa", Dana), and partial text the right way up ("lem
  // ex", Golem ex) is no surer.
  const bool sure_way_up = card.orientation_confidence >= options_.confirm_orientation_below;
  const bool junk = !reading->name_clear && !settled(reading, options_.reread_below);
  if (!sure_way_up || junk) {
    Result<image::RgbImage> turned = image::rotate_image(card.card, 180);
    if (!turned.ok()) return turned.status();
    // The same card with its top-left corner where its bottom-right was.
    image::CardQuad turned_quad = card.quad;
    for (int i = 0; i < 4; ++i) turned_quad.corners[i] = card.quad.corners[(i + 2) % 4];
    CardPicture other_way{*turned, photo, turned_quad, std::nullopt};
    Result<Reading> other =
        read_and_match(catalog_, **reader, other_way, hints, options_.reread_below);
    if (!other.ok()) return other.status();
    const bool overturns =
        !sure_way_up || other->name_clear || settled(other, options_.reread_below);
    if (overturns && surer(*other, *reading)) reading = std::move(other);
  }
  out.timings.ocr_ms = ms_since(start);

  const Reading& r = *reading;
  const double name_confidence = r.text.names.empty() ? 0.0 : r.text.names.front().confidence;
  out.ocr = OcrReading{r.name_line, r.number_line, name_confidence, r.number_confidence};
  for (const catalog::MatchCandidate& c : r.match.candidates) {
    out.candidates.push_back({to_card_match(catalog_, c), c.score});
  }
  if (out.candidates.empty() || out.candidates[0].score < options_.min_candidate_score) {
    out.unknown_reason =
        fmt::format("no catalog card matches the text read (name \"{}\", number \"{}\")",
                    r.name_line, r.number_line);
    out.confidence = 0;
    return out;
  }
  out.card = out.candidates[0].card;
  out.confidence = r.confidence;
  out.finish_confidence = r.match.finish_confidence;
  return out;
}

}  // namespace cardmint::recognize
