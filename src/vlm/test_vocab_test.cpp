#include "vlm/test_vocab.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace cardmint::vlm {
namespace {

constexpr std::int32_t kControl = 3;
constexpr std::int32_t kNormal = 1;

std::unordered_map<std::string, int> ids_of(const TestVocab& vocab) {
  std::unordered_map<std::string, int> ids;
  for (std::size_t i = 0; i < vocab.tokens.size(); ++i) ids.emplace(vocab.tokens[i], i);
  return ids;
}

TEST(TestVocabTest, ByteTokensFollowGpt2Mapping) {
  EXPECT_EQ(byte_token_text('!'), "!");
  EXPECT_EQ(byte_token_text('a'), "a");
  EXPECT_EQ(byte_token_text(' '), "\xC4\xA0");   // Ġ U+0120
  EXPECT_EQ(byte_token_text('\n'), "\xC4\x8A");  // Ċ U+010A
  EXPECT_EQ(byte_token_text(0x00), "\xC4\x80");  // Ā U+0100
  EXPECT_EQ(byte_token_text(0xAD), "\xC5\x83");  // soft hyphen is the last remapped byte, U+0143
  EXPECT_EQ(byte_token_text(0xE9), "\xC3\xA9");  // é stands for itself
  std::unordered_set<std::string> distinct;
  for (int b = 0; b < 256; ++b) distinct.insert(byte_token_text(static_cast<unsigned char>(b)));
  EXPECT_EQ(distinct.size(), 256u);
}

TEST(TestVocabTest, RealSizeHasSmolVlmSpecialTokenIds) {
  const TestVocab vocab = build_test_vocab(kSmolLm2BaseVocab);
  ASSERT_EQ(vocab.tokens.size(), 49280u);
  ASSERT_EQ(vocab.token_types.size(), vocab.tokens.size());
  EXPECT_EQ(vocab.tokens[0], "<|endoftext|>");
  EXPECT_EQ(vocab.tokens[1], "<|im_start|>");
  EXPECT_EQ(vocab.tokens[2], "<|im_end|>");
  EXPECT_EQ(vocab.tokens[16], "<empty_output>");
  EXPECT_EQ(vocab.tokens[49152], "<global-img>");
  EXPECT_EQ(vocab.tokens[49153], "<row_1_col_1>");
  EXPECT_EQ(vocab.tokens[49188], "<row_6_col_6>");
  EXPECT_EQ(vocab.tokens[49189], "<fake_token_around_image>");
  EXPECT_EQ(vocab.tokens[49190], "<image>");
  EXPECT_EQ(vocab.tokens[49191], "<|reserved_special_token_0|>");
  EXPECT_EQ(vocab.tokens[49279], "<end_of_utterance>");
  EXPECT_EQ(vocab.bos_id, 1);
  EXPECT_EQ(vocab.eos_id, 49279);
  EXPECT_EQ(vocab.unk_id, 0);
  EXPECT_EQ(vocab.pad_id, 2);
  for (int id : {0, 1, 16, 49152, 49189, 49190, 49279}) EXPECT_EQ(vocab.token_types[id], kControl);
  for (int id : {17, 272, 273, 49151}) EXPECT_EQ(vocab.token_types[id], kNormal);
}

TEST(TestVocabTest, EveryMergeJoinsTwoTokensIntoAThird) {
  const TestVocab vocab = build_test_vocab(2048 - kSmolVlmAddedTokens);
  const auto ids = ids_of(vocab);
  ASSERT_EQ(ids.size(), vocab.tokens.size()) << "token texts must be unique";
  ASSERT_GE(vocab.merges.size(), vocab.tokens.size() - 17 - 256 - kSmolVlmAddedTokens);
  for (const std::string& merge : vocab.merges) {
    const std::size_t space = merge.find(' ');
    ASSERT_NE(space, std::string::npos) << merge;
    ASSERT_EQ(merge.find(' ', space + 1), std::string::npos) << merge;
    const std::string left = merge.substr(0, space);
    const std::string right = merge.substr(space + 1);
    ASSERT_TRUE(ids.count(left)) << merge;
    ASSERT_TRUE(ids.count(right)) << merge;
    auto merged = ids.find(left + right);
    ASSERT_NE(merged, ids.end()) << merge;
    EXPECT_EQ(vocab.token_types[merged->second], kNormal) << merge;
  }
}

TEST(TestVocabTest, LearnsTheCorpusAndTheTokensMtmdLooksUp) {
  const TestVocab vocab = build_test_vocab(2048 - kSmolVlmAddedTokens);
  const auto ids = ids_of(vocab);
  EXPECT_TRUE(ids.count("\xC4\x8A\xC4\x8A")) << "\"\\n\\n\" opens every idefics3 image";
  // Frequent corpus words became single tokens (Ġ is the leading space).
  const std::string space = "\xC4\xA0";
  for (const std::string& word : {space + "the", space + "card", std::string("name"),
                                  std::string("number"), std::string("\":")}) {
    EXPECT_TRUE(ids.count(word)) << word;
  }
}

TEST(TestVocabTest, IsDeterministic) {
  const TestVocab a = build_test_vocab(1000);
  const TestVocab b = build_test_vocab(1000);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.merges, b.merges);
  EXPECT_EQ(a.tokens.size(), 1000u + kSmolVlmAddedTokens);
}

}  // namespace
}  // namespace cardmint::vlm
