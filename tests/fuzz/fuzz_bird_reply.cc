// libFuzzer target: the BIRD control-socket reply parser (controlplane/bird/bird_reply.h), which
// reads whatever arrives on BIRD's socket.
//
// Oracles, beyond "never crash, never read out of bounds":
//  - chunking does not matter: the input fed whole and fed in pieces (sizes taken from the input
//    itself) give the same replies, the same failure and the same message;
//  - every reply is well formed: at least one line, its code is its last line's code, codes are
//    four digits, its text stays under the cap;
//  - replies re-rendered in BIRD's canonical form (`DDDD-text`, final `DDDD text`) parse back to
//    the same replies.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "controlplane/bird/bird_reply.h"

namespace {

using tandem::bird::Reply;
using tandem::bird::ReplyParser;

struct Outcome {
    std::vector<Reply> replies;
    bool failed = false;
    std::string error;
    bool operator==(const Outcome&) const = default;
};

void drain(ReplyParser& p, Outcome& o) {
    while (auto r = p.next()) o.replies.push_back(std::move(*r));
}

Outcome finish(ReplyParser& p, Outcome o) {
    drain(p, o);
    o.failed = p.failed();
    o.error = p.error();
    return o;
}

std::string render(const std::vector<Reply>& replies) {
    std::string out;
    for (const auto& r : replies) {
        for (size_t i = 0; i < r.lines.size(); ++i) {
            char code[8];
            std::snprintf(code, sizeof code, "%04u", static_cast<unsigned>(r.lines[i].code));
            out += code;
            out += i + 1 == r.lines.size() ? ' ' : '-';
            out += r.lines[i].text;
            out += '\n';
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A small cap, so oversize replies are reached within the fuzzer's input lengths.
    const size_t cap = size > 0 ? 64 + size_t{data[0]} * 8 : 1024;

    ReplyParser whole(cap);
    whole.feed(std::span<const uint8_t>(data, size));
    const Outcome a = finish(whole, {});

    ReplyParser pieces(cap);
    Outcome b;
    for (size_t at = 0, i = 0; at < size; ++i) {
        const size_t n = std::min<size_t>(size - at, 1 + data[i % size] % 23);
        pieces.feed(std::span<const uint8_t>(data + at, n));
        drain(pieces, b);  // drained as the client drains, after each read
        at += n;
    }
    b = finish(pieces, std::move(b));
    if (!(a == b)) std::abort();

    if (a.failed && a.error.empty()) std::abort();
    for (const auto& r : a.replies) {
        if (r.lines.empty() || r.code != r.lines.back().code) std::abort();
        size_t charge = 0;
        for (const auto& l : r.lines) {
            if (l.code > 9999) std::abort();
            charge += l.text.size() + ReplyParser::per_line_cost;
        }
        if (charge > cap) std::abort();
    }

    // The canonical form spends more bytes per line than continuation lines (" text") do, so the
    // round trip gets room beyond the cap the input was parsed with.
    ReplyParser again(cap + 8 * (size + 1));
    if (!again.feed(render(a.replies))) std::abort();
    const Outcome c = finish(again, {});
    if (c.replies != a.replies || again.mid_reply()) std::abort();
    return 0;
}
