#include "base/json_log_formatter.h"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <chrono>
#include <string>

#include "base/log.h"

namespace cardmint {
namespace {

std::string format(std::string_view text, spdlog::level::level_enum level = spdlog::level::info) {
  spdlog::details::log_msg msg("service", level, spdlog::string_view_t(text.data(), text.size()));
  msg.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  spdlog::memory_buf_t out;
  JsonLogFormatter().format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonLogFormatterTest, ARequestLineBecomesFields) {
  EXPECT_EQ(format("req=0123abcd method=POST path=/recognize status=200 source=ocr ms=12.5"),
            R"({"time":"2023-11-14T22:13:20.123Z","level":"info","logger":"service",)"
            R"("msg":"req=0123abcd method=POST path=/recognize status=200 source=ocr ms=12.5",)"
            R"("req":"0123abcd","method":"POST","path":"/recognize","status":200,"source":"ocr",)"
            R"("ms":12.5})"
            "\n");
}

TEST(JsonLogFormatterTest, RequestIdsStayStringsAndOnlyPlainNumbersAreNumbers) {
  const std::string line = format("req=1234 a=007 b=0x1f c=-3 d=1.5e3 e=12ms");
  EXPECT_NE(line.find(R"("req":"1234")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("a":"007")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("b":"0x1f")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("c":-3)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("d":"1.5e3")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("e":"12ms")"), std::string::npos) << line;
}

TEST(JsonLogFormatterTest, QuotedValuesAndControlCharactersAreEscaped) {
  const std::string path = log_field_value("/a b\"c");
  EXPECT_EQ(path, R"("/a b\"c")");
  const std::string line = format("path=" + path + " note=x\ty", spdlog::level::warn);
  EXPECT_NE(line.find(R"("level":"warning")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("path":"/a b\"c")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("msg":"path=\"/a b\\\"c\" note=x\ty")"), std::string::npos) << line;
}

TEST(JsonLogFormatterTest, FieldsDoNotOverwriteTheLinesOwnKeys) {
  const std::string line = format("level=debug msg=hi logger=x");
  EXPECT_NE(line.find(R"("level":"info")"), std::string::npos) << line;
  EXPECT_EQ(line.find(R"("level":"debug")"), std::string::npos) << line;
}

TEST(JsonLogFormatterTest, PlainWordsStayPlainInLogFieldValue) {
  EXPECT_EQ(log_field_value("/recognize"), "/recognize");
  EXPECT_EQ(log_field_value(""), R"("")");
}

}  // namespace
}  // namespace cardmint
