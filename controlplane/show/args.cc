// See args.h.
#include "controlplane/show/args.h"

#include <algorithm>
#include <cctype>

namespace tandem::show {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_prefix_of(std::string_view typed, std::string_view word) {
    return !typed.empty() && typed.size() <= word.size() && lower(typed) == word.substr(0, typed.size());
}

bool has_digit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "FastEthernet0/0" -> ("fastethernet", "0/0"): the leading letters, lower-cased, and the rest.
std::pair<std::string, std::string> split_type(std::string_view name) {
    size_t i = 0;
    while (i < name.size() && std::isalpha(static_cast<unsigned char>(name[i]))) ++i;
    std::string rest(name.substr(i));
    rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
    return {lower(name.substr(0, i)), lower(rest)};
}

}  // namespace

bool abbreviates(std::string_view typed, std::string_view word) { return is_prefix_of(typed, word); }

Result<Filter> parse_filter(const std::vector<std::string>& args, std::string_view command, bool allow_interface) {
    Filter f;
    if (args.empty()) return f;
    const std::string expected = allow_interface ? "`interface IF` or `tag NAME`" : "`tag NAME`";
    const std::string& word = args[0];
    std::string keyword;
    if (allow_interface && is_prefix_of(word, "interface")) {
        f.kind = Filter::Kind::interface;
        keyword = "interface";
    } else if (is_prefix_of(word, "tag")) {
        f.kind = Filter::Kind::tag;
        keyword = "tag";
    } else {
        return Error("Invalid input `" + word + "` after `" + std::string(command) + "`: expected " + expected);
    }
    const std::string full = std::string(command) + " " + keyword;
    if (args.size() < 2) {
        return Error("Incomplete command `" + full + "`: expected " +
                     (f.kind == Filter::Kind::tag ? "a map name" : "an interface name"));
    }
    f.value = args[1];
    size_t used = 2;
    // `interface FastEthernet 0/0`: IOS accepts a space between the type and the number.
    if (f.kind == Filter::Kind::interface && args.size() > 2 && !has_digit(args[1])) {
        f.value += args[2];
        used = 3;
    }
    if (args.size() > used) {
        return Error("Invalid input `" + args[used] + "` after `" + full + " " + f.value + "`");
    }
    return f;
}

Result<const config::Interface*> find_interface(const config::Config& cfg, std::string_view typed) {
    for (const auto& itf : cfg.interfaces) {
        if (lower(itf.name) == lower(typed)) return &itf;
    }
    auto [type, number] = split_type(typed);
    std::vector<const config::Interface*> hits;
    if (!type.empty()) {
        for (const auto& itf : cfg.interfaces) {
            auto [t, n] = split_type(itf.name);
            if (n == number && t.compare(0, type.size(), type) == 0) hits.push_back(&itf);
        }
    }
    if (hits.size() == 1) return hits[0];
    if (hits.empty()) return Error("Interface " + std::string(typed) + " does not exist");
    std::string names;
    for (const auto* h : hits) names += (names.empty() ? "" : ", ") + h->name;
    return Error("Ambiguous interface " + std::string(typed) + ": " + names);
}

}  // namespace tandem::show
