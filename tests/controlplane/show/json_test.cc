// JsonWriter: separators, nesting, nulls and string escaping.
#include <gtest/gtest.h>

#include "controlplane/show/json.h"

namespace tandem::show {
namespace {

TEST(JsonWriter, ObjectsAndArraysGetCommasBetweenMembersOnly) {
    JsonWriter w;
    w.begin_object().key("a").number(uint64_t{1}).key("b").begin_array().value("x").boolean(true).null().end_array();
    w.key("c").begin_object().end_object().key("d").begin_array().end_array().end_object();
    EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null],"c":{},"d":[]})");
}

TEST(JsonWriter, ArraysOfObjects) {
    JsonWriter w;
    w.begin_array();
    w.begin_object().key("n").number(uint64_t{1}).end_object();
    w.begin_object().key("n").number(uint64_t{18446744073709551615ull}).end_object();
    w.end_array();
    EXPECT_EQ(w.str(), R"([{"n":1},{"n":18446744073709551615}])");
}

TEST(JsonWriter, OptionalsAreNullWhenAbsent) {
    JsonWriter w;
    std::optional<std::string> none;
    std::optional<uint16_t> group = 14;
    std::optional<uint32_t> no_tag;
    w.begin_object().key("s").value(none).key("g").number(group).key("t").number(no_tag).end_object();
    EXPECT_EQ(w.str(), R"({"s":null,"g":14,"t":null})");
}

TEST(JsonQuote, EscapesQuotesBackslashesAndEveryControlCharacter) {
    EXPECT_EQ(json_quote("plain"), "\"plain\"");
    EXPECT_EQ(json_quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(json_quote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
    EXPECT_EQ(json_quote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
    EXPECT_EQ(json_quote(std::string("\0", 1)), R"("\u0000")");
    EXPECT_EQ(json_quote("caf\xc3\xa9 \x7f"), "\"caf\xc3\xa9 \x7f\"");  // UTF-8 and DEL pass through
}

TEST(JsonLinesArray, OneDocumentPerLine) {
    EXPECT_EQ(json_lines_array({}), "[]\n");
    EXPECT_EQ(json_lines_array({"{}"}), "[\n{}\n]\n");
    EXPECT_EQ(json_lines_array({"1", "2"}), "[\n1,\n2\n]\n");
}

}  // namespace
}  // namespace tandem::show
