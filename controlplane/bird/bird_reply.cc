// BIRD reply parser: splits the stream into lines (bounded), classifies each line by its first
// bytes, and groups lines into replies. All access goes through std::string_view, never through
// lengths taken from the stream.
#include "controlplane/bird/bird_reply.h"

#include <algorithm>
#include <cstdio>

namespace tandem::bird {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A short, printable excerpt of a bad line for the error message.
std::string excerpt(std::string_view s) {
    constexpr size_t max = 40;
    std::string out;
    for (char c : s.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? c : '?';
    }
    if (s.size() > max) out += "...";
    return out;
}

}  // namespace

CodeClass classify(uint16_t code) {
    switch (code / 1000) {
    case 0: return CodeClass::success;
    case 1: return CodeClass::table_row;
    case 2: return CodeClass::heading;
    case 8: return CodeClass::runtime_error;
    case 9: return CodeClass::parse_error;
    default: return CodeClass::other;
    }
}

std::optional<std::string_view> Reply::find(uint16_t c) const {
    for (const auto& l : lines) {
        if (l.code == c) return std::string_view(l.text);
    }
    return std::nullopt;
}

std::string Reply::str() const {
    std::string out;
    for (const auto& l : lines) {
        if (!out.empty()) out += '\n';
        char code[8];
        std::snprintf(code, sizeof code, "%04u ", static_cast<unsigned>(l.code));
        out += code;
        out += l.text;
    }
    return out;
}

bool ReplyParser::feed(std::span<const uint8_t> chunk) {
    std::string_view rest(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    while (!failed_ && !rest.empty()) {
        const size_t nl = rest.find('\n');
        const std::string_view piece = rest.substr(0, nl);  // npos: the whole rest
        // The line so far plus this piece must fit with the reply it belongs to.
        if (reply_bytes_ + line_.size() + piece.size() + per_line_cost > max_reply_bytes_) {
            fail(line_number_ + 1, "reply longer than " + std::to_string(max_reply_bytes_) + " bytes");
            break;
        }
        line_.append(piece);
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
        take_line();
    }
    return !failed_;
}

void ReplyParser::take_line() {
    ++line_number_;
    const std::string_view l(line_);
    if (!l.empty() && l[0] == '+') {
        // Async echo: outside any reply, and no reply line continues from it.
        ++async_lines_;
        line_.clear();
        return;
    }
    ReplyLine parsed;
    bool final_line = false;
    if (!l.empty() && l[0] == ' ') {
        if (current_.lines.empty()) {
            fail(line_number_, "continuation line with no reply line before it: \"" + excerpt(l) + "\"");
            return;
        }
        parsed.code = current_.lines.back().code;
        parsed.text = l.substr(1);
    } else if (l.size() >= 4 && std::all_of(l.begin(), l.begin() + 4, is_digit) &&
               (l.size() == 4 || l[4] == '-' || l[4] == ' ')) {
        parsed.code = static_cast<uint16_t>((l[0] - '0') * 1000 + (l[1] - '0') * 100 + (l[2] - '0') * 10 + (l[3] - '0'));
        // "DDDD" alone (no separator) ends a reply like "DDDD ".
        final_line = l.size() == 4 || l[4] == ' ';
        parsed.text = l.size() > 5 ? l.substr(5) : std::string_view();
    } else {
        fail(line_number_, "not a BIRD reply line: \"" + excerpt(l) + "\"");
        return;
    }
    reply_bytes_ += parsed.text.size() + per_line_cost;
    current_.lines.push_back(std::move(parsed));
    line_.clear();
    if (final_line) {
        current_.code = current_.lines.back().code;
        ready_.push_back(std::move(current_));
        current_ = Reply{};
        reply_bytes_ = 0;
    }
}

void ReplyParser::fail(uint64_t line, std::string why) {
    failed_ = true;
    error_ = "line " + std::to_string(line) + ": " + why;
    line_.clear();
    line_.shrink_to_fit();
    current_ = Reply{};
    reply_bytes_ = 0;
}

std::optional<Reply> ReplyParser::next() {
    if (ready_.empty()) return std::nullopt;
    Reply r = std::move(ready_.front());
    ready_.pop_front();
    return r;
}

void ReplyParser::reset() {
    *this = ReplyParser(max_reply_bytes_);
}

}  // namespace tandem::bird
