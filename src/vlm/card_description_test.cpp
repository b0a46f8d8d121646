#include "vlm/card_description.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace cardmint::vlm {
namespace {

// Splits `text` into one token per character with the given log-probability, so spans are exact.
Generation generation_of(const std::string& text, float logprob = std::log(0.5f)) {
  Generation g;
  g.text = text;
  for (char c : text) g.tokens.push_back({0, std::string(1, c), logprob});
  return g;
}

const char* kValid =
    R"({"name": "Pikachu", "set_name": "Base Set", "number": "58/102", "finish": "normal", )"
    R"("condition": "near mint", "language": "English"})";

TEST(CardDescriptionTest, TheStreamedNameIsKnownOnceItsQuoteCloses) {
  EXPECT_EQ(streamed_name(""), std::nullopt);
  EXPECT_EQ(streamed_name(R"({"name": "Pika)"), std::nullopt);
  EXPECT_EQ(streamed_name(R"({"name": "Pikachu)"), std::nullopt);
  EXPECT_EQ(streamed_name(R"({"name": "Pikachu")"), "Pikachu");
  EXPECT_EQ(streamed_name(R"({ "name" :  "Farfetch\u2019d", "set)"), "Farfetch\u2019d");
  EXPECT_EQ(streamed_name(R"({"name": "Say \"hi\")"), std::nullopt);  // an escaped quote
  EXPECT_EQ(streamed_name(R"({"name": "Say \"hi\"")"), "Say \"hi\"");
  EXPECT_EQ(streamed_name(R"({"name": "bad \q escape")"), std::nullopt);
}

TEST(CardDescriptionTest, ParsesAValidAnswer) {
  Result<CardDescription> card = parse_card_description(generation_of(kValid));
  ASSERT_TRUE(card.ok()) << card.status().to_string();
  EXPECT_EQ(card->name, "Pikachu");
  EXPECT_EQ(card->set_name, "Base Set");
  EXPECT_EQ(card->number, "58/102");
  EXPECT_EQ(card->finish, "normal");
  EXPECT_EQ(card->condition, "near mint");
  EXPECT_NEAR(card->confidence, 0.5, 1e-6);
}

TEST(CardDescriptionTest, ConfidenceIsTheWeakerOfNameAndNumber) {
  Generation g = generation_of(kValid, 0.0f);  // every token certain
  const size_t number_at = g.text.find("58/102");
  for (size_t i = number_at; i < number_at + 6; ++i) g.tokens[i].logprob = std::log(0.25f);
  Result<CardDescription> card = parse_card_description(g);
  ASSERT_TRUE(card.ok());
  EXPECT_NEAR(card->field_confidence.name, 1.0, 1e-6);
  EXPECT_NEAR(card->field_confidence.number, 0.25, 1e-6);
  EXPECT_NEAR(card->confidence, 0.25, 1e-6);
}

// The streamed name is the first "name" in the text; an answer is only taken when that is the
// name it answers: each field once, no other field (which could hold a "name" of its own).
TEST(CardDescriptionTest, ARepeatedOrUnknownFieldIsUnprocessable) {
  const std::string rest =
      R"("set_name": "Jungle", "number": "51/64", "finish": "normal", "condition": "mint", )"
      R"("language": "English"})";
  for (const std::string& text : {R"({"name": "Eevee", "name": "Vaporeon", )" + rest,
                                  R"({"card": {"name": "Eevee"}, "name": "Vaporeon", )" + rest,
                                  R"({"name": "Vaporeon", "confidence": "high", )" + rest}) {
    Result<CardDescription> card = parse_card_description(generation_of(text));
    ASSERT_FALSE(card.ok()) << text;
    EXPECT_EQ(card.status().code(), StatusCode::kUnprocessable);
  }
  // JSON's whitespace includes the carriage return, around the colon as anywhere.
  const std::string crlf = "{\"name\"\r\n:\r\n\"Vaporeon\",\r\n" + rest;
  EXPECT_EQ(streamed_name(crlf), "Vaporeon");
  Result<CardDescription> card = parse_card_description(generation_of(crlf));
  ASSERT_TRUE(card.ok()) << card.status().to_string();
  EXPECT_EQ(card->name, "Vaporeon");
  EXPECT_GT(card->field_confidence.name, 0.0);
}

TEST(CardDescriptionTest, GarbageIsUnprocessableNotACrash) {
  for (const char* text : {"", "not json", "[1,2]", "{\"name\": 3}", "{\"name\": \"x\"}",
                           "{\"name\":\"P\",\"set_name\":\"S\",\"number\":\"1\",\"finish\":"
                           "\"shiny\",\"condition\":\"mint\",\"language\":\"en\"}"}) {
    Result<CardDescription> card = parse_card_description(generation_of(text));
    ASSERT_FALSE(card.ok()) << text;
    EXPECT_EQ(card.status().code(), StatusCode::kUnprocessable);
  }
}

// MAX_JSON_DEPTH: an answer nested deeper is refused by its depth, before any parse; one within
// the limit is judged by the schema as before.
TEST(CardDescriptionTest, AnAnswerNestedDeeperThanTheLimitIsRefusedUnparsed) {
  const std::string wrapped = std::string(R"({"card": )") + kValid + "}";  // depth 2
  Result<CardDescription> within = parse_card_description(generation_of(wrapped), 2);
  ASSERT_FALSE(within.ok());
  EXPECT_EQ(within.status().message().find("MAX_JSON_DEPTH"), std::string::npos)
      << within.status().to_string();  // the schema's refusal: "card" is no field of it
  Result<CardDescription> deeper = parse_card_description(generation_of(wrapped), 1);
  ASSERT_FALSE(deeper.ok());
  EXPECT_EQ(deeper.status().code(), StatusCode::kUnprocessable);
  EXPECT_NE(deeper.status().message().find("MAX_JSON_DEPTH"), std::string::npos)
      << deeper.status().to_string();
  // A valid answer is depth 1, so the smallest limit still takes it.
  EXPECT_TRUE(parse_card_description(generation_of(kValid), 1).ok());
  // An unconstrained model's runaway nesting, as deep as a long answer can get.
  const std::string runaway(4096, '[');
  Result<CardDescription> deep = parse_card_description(generation_of(runaway));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("4096 deep"), std::string::npos)
      << deep.status().to_string();
}

TEST(CardDescriptionTest, GrammarComesFromTheSchemaInFieldOrder) {
  const std::string& grammar = card_grammar();
  ASSERT_FALSE(grammar.empty());
  const size_t name_at = grammar.find("name");
  const size_t number_at = grammar.find("number");
  ASSERT_NE(name_at, std::string::npos);
  ASSERT_NE(number_at, std::string::npos);
  EXPECT_LT(name_at, number_at);
  EXPECT_NE(grammar.find("reverse holo"), std::string::npos);
}

}  // namespace
}  // namespace cardmint::vlm
