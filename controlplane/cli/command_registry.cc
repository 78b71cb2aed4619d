#include "controlplane/cli/command_registry.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace tandem::cli {

namespace {

std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool is_prefix(const std::string& typed, const std::string& keyword) {
    return !typed.empty() && keyword.size() >= typed.size() && keyword.compare(0, typed.size(), typed) == 0;
}

std::string join(const std::set<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

}  // namespace

void CommandRegistry::add(const std::string& keywords, const std::string& syntax, const std::string& help,
                          Handler h) {
    auto kw = split_spaces(keywords);
    for (auto& c : commands_) {
        if (c.keywords == kw) {
            c = Command{std::move(kw), syntax, help, std::move(h)};
            return;
        }
    }
    commands_.push_back(Command{std::move(kw), syntax, help, std::move(h)});
}

Result<std::string> CommandRegistry::execute(const std::vector<std::string>& typed_words) const {
    Request req;
    std::vector<std::string> words;
    for (const auto& w : typed_words) {
        if (w == "--json") req.json = true;
        else words.push_back(w);
    }
    if (words.empty()) return Error("a command is needed; 'help' lists them");

    // Narrow the candidates word by word. A word resolves to the keyword it spells exactly, else
    // to the one keyword it is a prefix of. Commands whose keywords end at this position are
    // complete matches; the longest complete match wins.
    std::vector<const Command*> live;
    for (const auto& c : commands_) live.push_back(&c);
    const Command* best = nullptr;
    size_t best_len = 0;
    for (size_t pos = 0; pos < words.size() && !live.empty(); ++pos) {
        std::set<std::string> options;
        for (const Command* c : live)
            if (pos < c->keywords.size()) options.insert(c->keywords[pos]);
        std::string chosen;
        if (options.contains(words[pos])) {
            chosen = words[pos];
        } else {
            std::set<std::string> matching;
            for (const auto& o : options)
                if (is_prefix(words[pos], o)) matching.insert(o);
            if (matching.size() > 1) {
                return Error("ambiguous command: '" + words[pos] + "' could be " + join(matching));
            }
            if (matching.empty()) {
                if (best) break;  // the rest are the longest match's arguments
                std::string where;
                for (size_t i = 0; i < pos; ++i) where += words[i] + " ";
                return Error("invalid input '" + words[pos] + "'" +
                             (options.empty() ? std::string() : " after '" + where + "': expected " + join(options)));
            }
            chosen = *matching.begin();
        }
        std::vector<const Command*> next;
        for (const Command* c : live)
            if (pos < c->keywords.size() && c->keywords[pos] == chosen) next.push_back(c);
        live = std::move(next);
        for (const Command* c : live) {
            if (c->keywords.size() == pos + 1) {
                best = c;
                best_len = pos + 1;
            }
        }
    }
    if (!best) {
        std::set<std::string> options;
        for (const Command* c : live)
            if (words.size() < c->keywords.size()) options.insert(c->keywords[words.size()]);
        return Error("incomplete command" + (options.empty() ? std::string() : ": expected " + join(options)));
    }
    req.args.assign(words.begin() + static_cast<std::ptrdiff_t>(best_len), words.end());
    return best->handler(req);
}

std::string CommandRegistry::help() const {
    std::vector<const Command*> sorted;
    for (const auto& c : commands_) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(), [](const Command* a, const Command* b) { return a->keywords < b->keywords; });
    std::string out;
    for (const Command* c : sorted) {
        std::string line;
        for (const auto& k : c->keywords) line += (line.empty() ? "" : " ") + k;
        if (!c->syntax.empty()) line += " " + c->syntax;
        if (line.size() < 44) line.resize(44, ' ');
        else line += "\n" + std::string(44, ' ');
        out += "  " + line + c->help + "\n";
    }
    return out;
}

Result<std::vector<std::string>> split_words(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false, quoted = false;
    for (char ch : line) {
        if (quoted) {
            if (ch == '"') quoted = false;
            else cur += ch;
        } else if (ch == '"') {
            quoted = true;
            in_word = true;
        } else if (ch == ' ' || ch == '\t') {
            if (in_word) out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
            return Error("control character in the command");
        } else {
            cur += ch;
            in_word = true;
        }
    }
    if (quoted) return Error("unterminated quote");
    if (in_word) out.push_back(std::move(cur));
    return out;
}

}  // namespace tandem::cli
