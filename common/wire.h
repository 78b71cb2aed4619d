// Bounded wire reader and writer with sticky failure, for every protocol Tandem parses or builds
// (IKEv2, HSRP, the dataplane API, BIRD replies).
//
// The reader never reads past its span. Any read that does not fit marks the reader failed; a
// failed reader returns zeros / empty spans from then on, so a parser can read a whole header and
// check ok() once, instead of checking every field. Lengths taken from the wire are used only
// through sub(): a sub-reader over exactly that many bytes, failing the parent if they are not
// there. Multi-byte integers are big-endian (network order).
//
// The writer appends to a caller-owned std::vector (the control plane's messages are small and
// built off the fast path) up to a limit; going past the limit fails it, stickily. Length fields
// are written as placeholders and patched once the body is known.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tandem {

class WireReader {
public:
    explicit WireReader(std::span<const uint8_t> data) : data_(data) {}

    bool ok() const { return ok_; }
    size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
    size_t position() const { return pos_; }
    bool at_end() const { return ok_ && pos_ == data_.size(); }

    uint8_t u8() { return static_cast<uint8_t>(read_be(1)); }
    uint16_t u16() { return static_cast<uint16_t>(read_be(2)); }
    uint32_t u32() { return static_cast<uint32_t>(read_be(4)); }
    uint64_t u64() { return read_be(8); }

    // The next n bytes, or an empty span (and failure) when fewer remain.
    std::span<const uint8_t> bytes(size_t n) {
        if (!take(n)) return {};
        return data_.subspan(pos_ - n, n);
    }
    // Everything that is left.
    std::span<const uint8_t> rest() { return bytes(remaining()); }
    void skip(size_t n) { take(n); }

    // A reader over the next n bytes; this reader moves past them. Fails both when n bytes are
    // not there.
    WireReader sub(size_t n) {
        auto b = bytes(n);
        WireReader r(b);
        if (!ok_) r.fail();
        return r;
    }

    void fail() { ok_ = false; }

private:
    bool take(size_t n) {
        if (!ok_ || n > data_.size() - pos_) {
            ok_ = false;
            return false;
        }
        pos_ += n;
        return true;
    }
    uint64_t read_be(size_t n) {
        if (!take(n)) return 0;
        uint64_t v = 0;
        for (size_t i = pos_ - n; i < pos_; ++i) v = (v << 8) | data_[i];
        return v;
    }

    std::span<const uint8_t> data_;
    size_t pos_ = 0;
    bool ok_ = true;
};

class WireWriter {
public:
    explicit WireWriter(std::vector<uint8_t>& out, size_t limit = 65535)
        : out_(out), start_(out.size()), limit_(limit) {}

    bool ok() const { return ok_; }
    // Bytes written by this writer.
    size_t size() const { return out_.size() - start_; }

    void u8(uint8_t v) { write_be(v, 1); }
    void u16(uint16_t v) { write_be(v, 2); }
    void u32(uint32_t v) { write_be(v, 4); }
    void u64(uint64_t v) { write_be(v, 8); }
    void bytes(std::span<const uint8_t> b) {
        if (!room(b.size())) return;
        out_.insert(out_.end(), b.begin(), b.end());
    }
    void text(std::string_view s) {
        bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    }
    void zeros(size_t n) {
        if (!room(n)) return;
        out_.insert(out_.end(), n, 0);
    }

    // Reserves a big-endian length field of `width` bytes (1, 2 or 4) and returns its offset
    // within this writer, for patch().
    size_t placeholder(size_t width) {
        size_t at = size();
        zeros(width);
        return at;
    }
    // Writes value into the field at `at` (an offset from placeholder()). Fails the writer if the
    // value does not fit the field.
    void patch(size_t at, size_t width, uint64_t value) {
        if (!ok_) return;
        if (at + width > size() || (width < 8 && value >> (8 * width)) != 0) {
            ok_ = false;
            return;
        }
        for (size_t i = 0; i < width; ++i) {
            out_[start_ + at + i] = static_cast<uint8_t>(value >> (8 * (width - 1 - i)));
        }
    }

    void fail() { ok_ = false; }

private:
    bool room(size_t n) {
        if (!ok_ || n > limit_ - size()) {
            ok_ = false;
            return false;
        }
        return true;
    }
    void write_be(uint64_t v, size_t n) {
        if (!room(n)) return;
        for (size_t i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * (n - 1 - i))));
    }

    std::vector<uint8_t>& out_;
    size_t start_;
    size_t limit_;
    bool ok_ = true;
};

}  // namespace tandem
