#pragma once
// The byte-level BPE vocabulary of the random-weight test models (test_model_writer.h).
//
// Layout, copied from SmolVLM-256M/500M-Instruct so that prompts, chat templates and mtmd's
// image framing find every token where the real model has it:
//   [0, 17)                       SmolLM2's special tokens (<|endoftext|>, <|im_start|>, ...)
//   [17, 273)                     the 256 byte tokens, GPT-2's byte-to-unicode mapping
//   [273, base_size)              merged tokens, one per merge rule
//   [base_size, base_size + 128)  SmolVLM's added tokens: <global-img>, <row_R_col_C>,
//                                 <fake_token_around_image>, <image>, 88 reserved,
//                                 <end_of_utterance> (49279 when base_size is 49152)
// The merges are trained on a small built-in English/JSON corpus, so card names, prompts and
// JSON replies tokenize into a realistic number of tokens; the rest of the range is padded with
// letter-extension merges. Immutable once built; independent of the weight seed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cardmint::vlm {

// SmolVLM appends this many tokens after SmolLM2's base vocabulary.
inline constexpr int kSmolVlmAddedTokens = 128;
// SmolLM2's base vocabulary; the real 256M/500M models have 49152 + 128 = 49280 tokens.
inline constexpr int kSmolLm2BaseVocab = 49152;

struct TestVocab {
  std::vector<std::string> tokens;        // GGUF `tokenizer.ggml.tokens`: byte-level text
  std::vector<std::int32_t> token_types;  // llama_token_type values: 1 normal, 3 control
  std::vector<std::string> merges;        // "left right", in rank order
  std::int32_t bos_id = 0;                // <|im_start|>, as in SmolVLM's tokenizer_config
  std::int32_t eos_id = 0;                // <end_of_utterance>
  std::int32_t unk_id = 0;                // <|endoftext|>
  std::int32_t pad_id = 0;                // <|im_end|>
};

// Deterministic: the same base_size always gives the same vocabulary.
// REQUIRES: 512 <= base_size.
TestVocab build_test_vocab(int base_size);

// GPT-2's byte-to-unicode mapping: the UTF-8 text that stands for `byte` inside a token.
std::string byte_token_text(unsigned char byte);

}  // namespace cardmint::vlm
