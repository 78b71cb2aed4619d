#include "common/wire.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(WireReader, ReadsBigEndianFields) {
    const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    WireReader r(data);
    EXPECT_EQ(r.u8(), 0x01);
    EXPECT_EQ(r.u16(), 0x0203);
    EXPECT_EQ(r.u32(), 0x04050607u);
    EXPECT_EQ(r.u64(), 0x08090a0b0c0d0e0fULL);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.at_end());
}

TEST(WireReader, FailureIsSticky) {
    const uint8_t data[] = {0xaa, 0xbb, 0xcc};
    WireReader r(data);
    EXPECT_EQ(r.u16(), 0xaabb);
    EXPECT_EQ(r.u16(), 0);  // only one byte left
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.u8(), 0);  // the byte that was there is not handed out after failure
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_TRUE(r.bytes(0).empty());
    EXPECT_FALSE(r.at_end());
}

TEST(WireReader, SubReaderIsBoundedAndFailsParentWhenShort) {
    const uint8_t data[] = {0x00, 0x03, 0x11, 0x22, 0x33, 0x44};
    WireReader r(data);
    uint16_t len = r.u16();
    WireReader body = r.sub(len);
    EXPECT_EQ(body.u16(), 0x1122);
    EXPECT_EQ(body.u16(), 0);  // past the sub-reader's 3 bytes
    EXPECT_FALSE(body.ok());
    EXPECT_TRUE(r.ok());  // the parent is unaffected by its child's failure
    EXPECT_EQ(r.u8(), 0x44);

    WireReader r2(data);
    r2.skip(2);
    WireReader too_long = r2.sub(200);  // a length from the wire that lies
    EXPECT_FALSE(too_long.ok());
    EXPECT_FALSE(r2.ok());
    EXPECT_EQ(too_long.u8(), 0);
}

TEST(WireReader, HugeLengthsDoNotOverflow) {
    const uint8_t data[] = {1, 2, 3};
    WireReader r(data);
    r.skip(1);
    EXPECT_TRUE(r.bytes(SIZE_MAX).empty());
    EXPECT_FALSE(r.ok());
}

TEST(WireWriter, WritesAndPatchesLengths) {
    std::vector<uint8_t> out{0xff};  // the writer appends after what is there
    WireWriter w(out);
    w.u8(0x01);
    size_t at = w.placeholder(2);
    w.u32(0xdeadbeef);
    w.text("ab");
    w.patch(at, 2, w.size());
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(out, (std::vector<uint8_t>{0xff, 0x01, 0x00, 0x09, 0xde, 0xad, 0xbe, 0xef, 'a', 'b'}));
}

TEST(WireWriter, LimitAndPatchOverflowFail) {
    std::vector<uint8_t> out;
    WireWriter w(out, 4);
    w.u32(1);
    EXPECT_TRUE(w.ok());
    w.u8(2);
    EXPECT_FALSE(w.ok());
    EXPECT_EQ(out.size(), 4u);

    std::vector<uint8_t> out2;
    WireWriter w2(out2);
    size_t at = w2.placeholder(1);
    w2.patch(at, 1, 256);  // does not fit one byte
    EXPECT_FALSE(w2.ok());
}

TEST(Wire, RoundTrip) {
    std::vector<uint8_t> buf;
    WireWriter w(buf);
    w.u16(1985);
    w.u64(0x0102030405060708ULL);
    WireReader r(buf);
    EXPECT_EQ(r.u16(), 1985);
    EXPECT_EQ(r.u64(), 0x0102030405060708ULL);
    EXPECT_TRUE(r.at_end());
}

}  // namespace
}  // namespace tandem
