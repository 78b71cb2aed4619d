// Incremental parser of BIRD's control-socket byte stream (BIRD 2, nest/cli.c's protocol).
//
// Model. BIRD answers each request with a reply made of lines; bytes arrive in arbitrary chunks.
//
//     DDDD-text     a line of the reply with code DDDD; more lines follow
//      text         continuation: same code as the previous line (one leading space)
//     DDDD text     the reply's final line; its code is the reply's code
//     +text         asynchronous echo (log lines for `echo`): not part of any reply, skipped
//
// Codes are four decimal digits; the first digit classifies them: 0 success, 1 table row,
// 2 heading, 8 runtime error, 9 parse error. A reply succeeded when its final code is below 1000.
// The greeting on connect (`0001 BIRD 2.0.12 ready.`) is a one-line reply like any other.
//
// BIRD cuts lines over 512 bytes; a cut line is still a line, so any length is tolerated up to
// the reply cap. Memory is bounded: the line being assembled and the reply being assembled count
// against `max_reply_bytes` (text plus a fixed cost per line); past it, or on a line that fits
// none of the forms above, the parser fails, stickily, and says why. Complete replies wait in a
// queue until next() takes them; a caller that feeds one read at a time and drains after each
// keeps that queue to one read's worth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tandem::bird {

enum class CodeClass : uint8_t { success, table_row, heading, runtime_error, parse_error, other };
CodeClass classify(uint16_t code);

struct ReplyLine {
    uint16_t code = 0;
    std::string text;  // without the code, separator and newline
    friend bool operator==(const ReplyLine&, const ReplyLine&) = default;
};

struct Reply {
    uint16_t code = 0;             // the final line's code
    std::vector<ReplyLine> lines;  // every line, the final one included

    bool ok() const { return code < 1000; }
    // The text of the first line with `code`, if any.
    std::optional<std::string_view> find(uint16_t code) const;
    // All lines, "DDDD text" each, newline-separated (for logs and `show`).
    std::string str() const;
    friend bool operator==(const Reply&, const Reply&) = default;
};

class ReplyParser {
public:
    static constexpr size_t default_max_reply_bytes = size_t{1} << 20;
    static constexpr size_t per_line_cost = 32;  // charged per line, so empty lines are bounded too

    explicit ReplyParser(size_t max_reply_bytes = default_max_reply_bytes)
        : max_reply_bytes_(max_reply_bytes) {}

    // Consumes a chunk. Returns false once the stream is broken (see error()); later chunks are
    // ignored until reset().
    bool feed(std::span<const uint8_t> chunk);
    bool feed(std::string_view chunk) {
        return feed({reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()});
    }

    // The oldest complete reply, if any.
    std::optional<Reply> next();
    size_t ready() const { return ready_.size(); }

    bool failed() const { return failed_; }
    const std::string& error() const { return error_; }
    uint64_t async_lines() const { return async_lines_; }
    // True between the first byte of a reply and its final line.
    bool mid_reply() const { return !current_.lines.empty() || !line_.empty(); }

    // Forgets everything: for a new connection.
    void reset();

private:
    void take_line();
    void fail(uint64_t line, std::string why);

    size_t max_reply_bytes_;
    std::string line_;       // bytes of the line being assembled, without '\n'
    Reply current_;          // lines of the reply being assembled
    size_t reply_bytes_ = 0; // charge of current_
    std::deque<Reply> ready_;
    bool failed_ = false;
    std::string error_;
    uint64_t line_number_ = 0;
    uint64_t async_lines_ = 0;
};

}  // namespace tandem::bird
