#include "vlm/test_vocab.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cardmint::vlm {
namespace {

// SmolLM2's specials at ids 0..16, in order.
constexpr std::array<std::string_view, 17> kLeadingSpecials = {
    "<|endoftext|>",    "<|im_start|>",    "<|im_end|>",     "<repo_name>",    "<reponame>",
    "<file_sep>",       "<filename>",      "<gh_stars>",     "<issue_start>",  "<issue_comment>",
    "<issue_closed>",   "<jupyter_start>", "<jupyter_text>", "<jupyter_code>", "<jupyter_output>",
    "<jupyter_script>", "<empty_output>",
};
constexpr int kFirstByteToken = static_cast<int>(kLeadingSpecials.size());
constexpr int kReservedSpecials = 88;  // <|reserved_special_token_0..87|>, SmolVLM's filler

constexpr std::int32_t kTypeNormal = 1;   // LLAMA_TOKEN_TYPE_NORMAL
constexpr std::int32_t kTypeControl = 3;  // LLAMA_TOKEN_TYPE_CONTROL

// Training text for the merges: the kind of text CardMint sends and gets back (prompts, card
// names, set names, collector numbers, JSON replies) plus everyday English, so a prompt costs
// about as many tokens as with SmolLM2's real vocabulary.
constexpr std::string_view kCorpus = R"corpus(
You are a Pokemon trading card expert. Identify the card in the image.
Reply with JSON only. Describe the card. What is the name of this card?
Read the name at the top of the card and the collector number at the bottom.
The collector number is printed in the lower corner, for example 58/102 or 4/102.
If you are not sure, answer with "unknown" and a low confidence.
{"name": "Pikachu", "number": "58/102", "set": "Base Set", "rarity": "Common", "hp": 40}
{"name": "Charizard", "number": "4/102", "set": "Base Set", "rarity": "Rare Holo", "hp": 120}
{"name": "Blastoise", "number": "2/102", "set": "Base Set", "rarity": "Rare Holo", "hp": 100}
{"name": "Venusaur", "number": "15/102", "set": "Base Set", "rarity": "Rare Holo", "hp": 100}
{"name": "Mewtwo", "number": "10/102", "set": "Base Set", "rarity": "Rare Holo", "hp": 60}
{"name": "Bulbasaur", "number": "44/102", "set": "Base Set", "rarity": "Common", "hp": 40}
{"name": "Squirtle", "number": "63/102", "set": "Base Set", "rarity": "Common", "hp": 40}
{"name": "Charmander", "number": "46/102", "set": "Base Set", "rarity": "Common", "hp": 50}
{"name": "Eevee", "number": "51/64", "set": "Jungle", "rarity": "Common", "hp": 50}
{"name": "Snorlax", "number": "11/64", "set": "Jungle", "rarity": "Rare Holo", "hp": 90}
{"name": "Gengar", "number": "5/62", "set": "Fossil", "rarity": "Rare Holo", "hp": 80}
{"name": "Dragonite", "number": "4/62", "set": "Fossil", "rarity": "Rare Holo", "hp": 100}
{"name": "Lucario", "number": "6/111", "set": "Furious Fists", "rarity": "Rare", "hp": 90}
{"name": "Umbreon VMAX", "number": "215/203", "set": "Evolving Skies", "rarity": "Secret Rare"}
{"name": "Rayquaza VMAX", "number": "218/203", "set": "Evolving Skies", "rarity": "Secret Rare"}
{"name": "Mew ex", "number": "151/165", "set": "Scarlet & Violet 151", "rarity": "Double Rare"}
{"name": "Gardevoir ex", "number": "86/198", "set": "Scarlet & Violet", "rarity": "Double Rare"}
{"name": "Professor's Research", "number": "178/202", "set": "Sword & Shield", "rarity": "Rare"}
{"name": "Pokémon Center Lady", "number": "68/73", "set": "Champion's Path", "rarity": "Uncommon"}
{"confidence": 0.92, "finish": "holo", "language": "en", "edition": "first"}
{"confidence": 0.35, "finish": "reverse holo", "language": "en", "edition": "unlimited"}
{"error": "unknown", "reason": "the card is blurry", "confidence": 0.1}
[{"id": "base1-58", "name": "Pikachu"}, {"id": "base1-4", "name": "Charizard"}]
The card shows a yellow electric mouse standing in a grassy field. The border is yellow and
the artwork is framed in silver. The attack is called Thunder Jolt and it does 30 damage.
Flip a coin. If tails, this Pokemon does 10 damage to itself. Weakness: Fighting. Resistance:
none. Retreat cost: one energy. The illustrator's name is printed under the picture.
A fire type dragon with large orange wings breathes flames across the top of the card. Its
attack Fire Spin does 100 damage; discard two energy cards attached to it in order to use it.
Water, Grass, Fire, Lightning, Psychic, Fighting, Darkness, Metal, Dragon, Fairy, Colorless.
Basic Pokemon, Stage 1, Stage 2, Trainer, Supporter, Item, Stadium, Energy, Special Energy.
This is a photo of a trading card on a wooden table. The picture is slightly rotated and the
light makes a reflection on the holographic foil. The text in the lower left corner is small.
The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore. It is
what it is, and they are where they were; we will see what there is to see when we get there.
I think that this is the one you want, but it could also be another one from the same set.
There are many cards in a collection and each one has a name, a number, a set and a rarity.
Prices change over time, so the value of a card depends on its condition and its edition.
)corpus";

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
// UTF-8 lead and continuation bytes count as letters: in the corpus they only spell "é".
bool is_letter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
bool is_symbol(unsigned char c) { return !is_digit(c) && !is_space(c) && !is_letter(c); }

// An ASCII approximation of the "smollm" pre-tokenizer (llama-vocab.cpp): single digits,
// contractions, " ?letters", " ?symbols", whitespace runs. Used only to count pairs while
// training, so it need not match llama.cpp byte for byte.
std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    const std::size_t start = i;
    if (is_digit(at(i))) {
      ++i;
    } else if (is_space(at(i))) {
      std::size_t end = i;
      while (end < n && is_space(at(end))) ++end;
      if (end == n || is_digit(at(end))) {
        i = end;  // digits were split off first, so the run ends its piece
      } else if (end - i > 1) {
        i = end - 1;  // \s+(?!\S): the last whitespace char stays with what follows
      } else if (at(i) == ' ') {
        // " ?\p{L}+" or " ?[^\s\p{L}\p{N}]+": a lone space leads the word after it.
        const bool letters = is_letter(at(end));
        i = end;
        while (i < n && (letters ? is_letter(at(i)) : is_symbol(at(i)))) ++i;
      } else {
        i = end;
      }
    } else if (at(i) == '\'' && i + 1 < n && is_letter(at(i + 1)) &&
               std::string_view("stmd").find(text[i + 1]) != std::string_view::npos &&
               (i + 2 >= n || !is_letter(at(i + 2)))) {
      i += 2;
    } else if (is_letter(at(i))) {
      while (i < n && is_letter(at(i))) ++i;
    } else {
      while (i < n && is_symbol(at(i))) ++i;
    }
    words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

class VocabBuilder {
 public:
  explicit VocabBuilder(int base_size) : base_size_(base_size) {
    for (std::string_view special : kLeadingSpecials) add_token(std::string(special), kTypeControl);
    for (int b = 0; b < 256; ++b) {
      add_token(byte_token_text(static_cast<unsigned char>(b)), kTypeNormal);
    }
  }

  bool full() const { return static_cast<int>(vocab_.tokens.size()) >= base_size_; }

  int byte_id(unsigned char b) const { return kFirstByteToken + b; }

  // Adds the rule "left right". Returns the id of the merged token, or -1 when the merged text
  // would collide with a special token (llama.cpp would resolve it to the control token).
  int add_merge(int left, int right) {
    std::string text = vocab_.tokens[left] + vocab_.tokens[right];
    auto it = ids_.find(text);
    if (it != ids_.end() && vocab_.token_types[it->second] != kTypeNormal) return -1;
    vocab_.merges.push_back(vocab_.tokens[left] + " " + vocab_.tokens[right]);
    if (it != ids_.end()) return it->second;  // a second path to an existing token, as in HF BPE
    return add_token(std::move(text), kTypeNormal);
  }

  // Merges the most frequent adjacent pair in the corpus until no pair occurs twice.
  void train(std::string_view corpus) {
    std::unordered_map<std::string, std::int64_t> counts;
    for (std::string& w : split_words(corpus)) ++counts[std::move(w)];
    std::vector<std::pair<std::vector<int>, std::int64_t>> words;
    for (const auto& [text, count] : counts) {
      std::vector<int> ids;
      for (char c : text) ids.push_back(byte_id(static_cast<unsigned char>(c)));
      words.emplace_back(std::move(ids), count);
    }
    std::unordered_set<std::uint64_t> banned;
    while (!full()) {
      std::unordered_map<std::uint64_t, std::int64_t> pairs;
      for (const auto& [ids, count] : words) {
        for (std::size_t k = 0; k + 1 < ids.size(); ++k) {
          pairs[pair_key(ids[k], ids[k + 1])] += count;
        }
      }
      // Ties go to the smallest key so the result does not depend on hash-map order.
      std::uint64_t best = 0;
      std::int64_t best_count = 1;
      for (const auto& [key, count] : pairs) {
        if (banned.count(key) != 0) continue;
        if (count > best_count || (count == best_count && key < best)) {
          best = key;
          best_count = count;
        }
      }
      if (best_count < 2) return;
      const int left = static_cast<int>(best >> 32);
      const int right = static_cast<int>(best & 0xffffffffu);
      const int merged = add_merge(left, right);
      if (merged < 0) {
        banned.insert(best);
        continue;
      }
      for (auto& [ids, count] : words) {
        std::vector<int> out;
        out.reserve(ids.size());
        for (std::size_t k = 0; k < ids.size(); ++k) {
          if (k + 1 < ids.size() && ids[k] == left && ids[k + 1] == right) {
            out.push_back(merged);
            ++k;
          } else {
            out.push_back(ids[k]);
          }
        }
        ids = std::move(out);
      }
    }
  }

  // Pads the vocabulary with lowercase strings, shortest first, each optionally led by "Ġ"
  // (a space): breadth-first over "token + letter" so every new token has a valid merge.
  void pad_with_letter_merges() {
    constexpr std::string_view kLetters = "etaoinsrhldcumfpgwybvkxjqz";
    std::vector<int> queue = {byte_id(' ')};
    for (char c : kLetters) queue.push_back(byte_id(static_cast<unsigned char>(c)));
    std::unordered_set<int> queued(queue.begin(), queue.end());
    for (std::size_t head = 0; head < queue.size() && !full(); ++head) {
      for (char c : kLetters) {
        if (full()) return;
        const int letter = byte_id(static_cast<unsigned char>(c));
        const std::string text = vocab_.tokens[queue[head]] + vocab_.tokens[letter];
        auto it = ids_.find(text);
        int id = it != ids_.end() ? it->second : add_merge(queue[head], letter);
        if (id >= 0 && queued.insert(id).second) queue.push_back(id);
      }
    }
  }

  void add_smolvlm_specials() {
    add_token("<global-img>", kTypeControl);
    for (int row = 1; row <= 6; ++row) {
      for (int col = 1; col <= 6; ++col) {
        add_token("<row_" + std::to_string(row) + "_col_" + std::to_string(col) + ">",
                  kTypeControl);
      }
    }
    add_token("<fake_token_around_image>", kTypeControl);
    add_token("<image>", kTypeControl);
    for (int k = 0; k < kReservedSpecials; ++k) {
      add_token("<|reserved_special_token_" + std::to_string(k) + "|>", kTypeControl);
    }
    vocab_.eos_id = add_token("<end_of_utterance>", kTypeControl);
  }

  TestVocab finish() && {
    vocab_.unk_id = ids_.at("<|endoftext|>");
    vocab_.bos_id = ids_.at("<|im_start|>");
    vocab_.pad_id = ids_.at("<|im_end|>");
    return std::move(vocab_);
  }

 private:
  static std::uint64_t pair_key(int left, int right) {
    return (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint32_t>(right);
  }

  int add_token(std::string text, std::int32_t type) {
    const int id = static_cast<int>(vocab_.tokens.size());
    ids_.emplace(text, id);
    vocab_.tokens.push_back(std::move(text));
    vocab_.token_types.push_back(type);
    return id;
  }

  const int base_size_;
  TestVocab vocab_;
  std::unordered_map<std::string, int> ids_;
};

}  // namespace

std::string byte_token_text(unsigned char byte) {
  // GPT-2: printable Latin-1 bytes stand for themselves; the other 68 bytes map, in byte
  // order, to U+0100 onwards (so ' ' is "Ġ" U+0120 and '\n' is "Ċ" U+010A).
  auto printable = [](int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  };
  int code_point = byte;
  if (!printable(byte)) {
    code_point = 256;
    for (int b = 0; b < byte; ++b) {
      if (!printable(b)) ++code_point;
    }
  }
  std::string utf8;
  if (code_point < 0x80) {
    utf8.push_back(static_cast<char>(code_point));
  } else {
    utf8.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    utf8.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
  return utf8;
}

TestVocab build_test_vocab(int base_size) {
  VocabBuilder builder(base_size);
  // "\n\n" must be one token: mtmd opens every idefics3 image with it.
  const int newline = builder.byte_id('\n');
  const int space = builder.byte_id(' ');
  builder.add_merge(newline, newline);
  const int two_spaces = builder.add_merge(space, space);
  builder.add_merge(two_spaces, two_spaces);  // JSON indentation
  builder.train(kCorpus);
  builder.pad_with_letter_merges();
  builder.add_smolvlm_specials();
  return std::move(builder).finish();
}

}  // namespace cardmint::vlm
