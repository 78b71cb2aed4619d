// The BIRD reply parser over real transcripts of BIRD 2.0.12's control socket, fed whole, split
// at every byte, and broken in the ways a stream can be broken.
#include "controlplane/bird/bird_reply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem::bird {
namespace {

// What BIRD 2.0.12 sent for: (greeting), configure, show route protocol rri, show status,
// configure status, sh st.
const std::string transcript =
    "0001 BIRD 2.0.12 ready.\n"
    "0002-Reading configuration from /etc/bird/bird.conf\n"
    "0003 Reconfigured\n"
    "1007-Table master4:\n"
    " 10.2.1.0/24          unicast [rri 2026-11-28 22:41:32.130] * (200)\n"
    " \tvia 10.98.0.254 on out0\n"
    "0000 \n"
    "1000-BIRD 2.0.12\n"
    "1011-Router ID is 10.0.0.1\n"
    " Hostname is vm\n"
    "0013 Daemon is up and running\n"
    "0003-Daemon is up and running\n"
    "0000 \n"
    "9001 syntax error, unexpected CF_SYM_UNDEFINED\n";

std::vector<Reply> parse_all(ReplyParser& p) {
    std::vector<Reply> out;
    while (auto r = p.next()) out.push_back(std::move(*r));
    return out;
}

std::vector<Reply> parse_whole(const std::string& s) {
    ReplyParser p;
    EXPECT_TRUE(p.feed(s)) << p.error();
    return parse_all(p);
}

TEST(BirdReply, ParsesATranscriptIntoReplies) {
    auto replies = parse_whole(transcript);
    ASSERT_EQ(replies.size(), 6u);

    EXPECT_EQ(replies[0].code, 1);
    EXPECT_EQ(replies[0].lines[0].text, "BIRD 2.0.12 ready.");

    EXPECT_EQ(replies[1].code, 3);
    EXPECT_TRUE(replies[1].ok());
    ASSERT_EQ(replies[1].lines.size(), 2u);
    EXPECT_EQ(replies[1].lines[0], (ReplyLine{2, "Reading configuration from /etc/bird/bird.conf"}));

    // Continuation lines take the code of the line before them.
    const Reply& table = replies[2];
    EXPECT_EQ(table.code, 0);
    ASSERT_EQ(table.lines.size(), 4u);
    EXPECT_EQ(table.lines[1].code, 1007);
    EXPECT_EQ(table.lines[1].text, "10.2.1.0/24          unicast [rri 2026-11-28 22:41:32.130] * (200)");
    EXPECT_EQ(table.lines[2].code, 1007);
    EXPECT_EQ(table.lines[2].text, "\tvia 10.98.0.254 on out0");
    EXPECT_EQ(table.lines[3].text, "");

    EXPECT_EQ(replies[3].code, 13);
    EXPECT_EQ(replies[3].lines[2], (ReplyLine{1011, "Hostname is vm"}));
    EXPECT_TRUE(replies[4].find(3).has_value());
    EXPECT_EQ(replies[5].code, 9001);
    EXPECT_FALSE(replies[5].ok());
}

TEST(BirdReply, EverySplitGivesTheSameReplies) {
    const auto whole = parse_whole(transcript);
    for (size_t cut = 0; cut <= transcript.size(); ++cut) {
        ReplyParser p;
        ASSERT_TRUE(p.feed(transcript.substr(0, cut)));
        ASSERT_TRUE(p.feed(transcript.substr(cut)));
        EXPECT_EQ(parse_all(p), whole) << "split at " << cut;
    }
}

TEST(BirdReply, ByteByByteGivesTheSameReplies) {
    ReplyParser p;
    std::vector<Reply> got;
    for (char c : transcript) {
        ASSERT_TRUE(p.feed(std::string_view(&c, 1)));
        while (auto r = p.next()) got.push_back(std::move(*r));
    }
    EXPECT_EQ(got, parse_whole(transcript));
    EXPECT_FALSE(p.mid_reply());
}

TEST(BirdReply, AsyncLinesAreSkippedAnywhere) {
    auto replies = parse_whole(
        "+0021 log line before\n"
        "0002-Reading configuration from f\n"
        "+async in the middle\n"
        "0003 Reconfigured\n"
        "+\n");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].lines.size(), 2u);
    EXPECT_EQ(replies[0].code, 3);
}

TEST(BirdReply, ARuntimeErrorIsAFailedReply) {
    auto replies = parse_whole(
        "0002-Reading configuration from /etc/bird.conf\n"
        "8002 /etc/tandem/bird-rri.conf:1:50 Number out of range\n");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 8002);
    EXPECT_FALSE(replies[0].ok());
    EXPECT_EQ(replies[0].lines.back().text, "/etc/tandem/bird-rri.conf:1:50 Number out of range");
    EXPECT_EQ(classify(8002), CodeClass::runtime_error);
    EXPECT_EQ(classify(9001), CodeClass::parse_error);
    EXPECT_EQ(classify(1007), CodeClass::table_row);
    EXPECT_EQ(classify(2002), CodeClass::heading);
    EXPECT_EQ(classify(0), CodeClass::success);
    EXPECT_EQ(classify(5000), CodeClass::other);
}

TEST(BirdReply, ACodeWithoutSeparatorEndsAReply) {
    auto replies = parse_whole("1007-row\n0000\n");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].code, 0);
}

TEST(BirdReply, AnIncompleteReplyIsHeldBack) {
    ReplyParser p;
    ASSERT_TRUE(p.feed("1007-Table master4:\n 10.0.0.0/8"));
    EXPECT_EQ(p.ready(), 0u);
    EXPECT_TRUE(p.mid_reply());
    ASSERT_TRUE(p.feed(" blackhole\n0000 \n"));
    auto r = p.next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->lines[1].text, "10.0.0.0/8 blackhole");
}

TEST(BirdReply, GarbageIsAProtocolErrorAndSticks) {
    const std::vector<std::string> garbage = {
        "hello\n", "\n", "123-short\n", "12345 five digits\n", "0001_bad separator\n",
        " continuation first\n", "abcd-letters\n", std::string("00\0001 nul\n", 10),
    };
    for (const auto& g : garbage) {
        ReplyParser p;
        EXPECT_TRUE(p.feed("0001 BIRD 2.0.12 ready.\n"));
        EXPECT_FALSE(p.feed(g)) << g;
        EXPECT_TRUE(p.failed());
        EXPECT_NE(p.error().find("line 2"), std::string::npos) << p.error();
        EXPECT_FALSE(p.feed("0003 Reconfigured\n"));  // sticky
        // The reply completed before the garbage is still there.
        ASSERT_EQ(p.ready(), 1u);
        EXPECT_EQ(p.next()->code, 1);
        EXPECT_FALSE(p.next());
        p.reset();
        EXPECT_TRUE(p.feed("0003 Reconfigured\n"));
        EXPECT_EQ(p.ready(), 1u);
    }
}

TEST(BirdReply, LongLinesAreFineUpToTheCap) {
    // BIRD cuts lines over 512 bytes, but nothing here depends on it.
    const std::string long_text(3000, 'x');
    ReplyParser p(8192);
    ASSERT_TRUE(p.feed("1007-" + long_text + "\n0000 \n"));
    auto r = p.next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->lines[0].text, long_text);
}

TEST(BirdReply, AnOversizeReplyFailsCleanly) {
    ReplyParser p(4096);
    std::string row = "1007-" + std::string(100, 'r') + "\n";
    bool fine = true;
    for (int i = 0; i < 100 && fine; ++i) fine = p.feed(row);
    EXPECT_FALSE(fine);
    EXPECT_NE(p.error().find("longer than 4096"), std::string::npos) << p.error();
    EXPECT_EQ(p.ready(), 0u);
}

TEST(BirdReply, AnOversizeLineWithoutNewlineFails) {
    ReplyParser p(1024);
    EXPECT_TRUE(p.feed("1007-" + std::string(900, 'a')));
    EXPECT_FALSE(p.feed(std::string(200, 'a')));
    EXPECT_TRUE(p.failed());
}

TEST(BirdReply, ManySmallRepliesAreEachBounded) {
    // The cap is per reply: a long stream of small replies never fails.
    ReplyParser p(256);
    for (int i = 0; i < 10000; ++i) {
        ASSERT_TRUE(p.feed("0003 Reconfigured\n"));
        ASSERT_TRUE(p.next());
    }
}

TEST(BirdReply, StrRendersTheLines) {
    auto replies = parse_whole("0002-Reading configuration from f\n8002 f:1:2 oops\n");
    EXPECT_EQ(replies[0].str(), "0002 Reading configuration from f\n8002 f:1:2 oops");
}

}  // namespace
}  // namespace tandem::bird
