// The YAML loader's Reader: yaml-cpp nodes -> typed values, with a diagnostic for each value that
// cannot be read. yaml-cpp marks are 0-based; positions here are 1-based.
#include <cstdio>
#include <charconv>

#include "common/config/yaml_loader_detail.h"

namespace tandem::config::yaml_detail {

namespace {

// Configuration text is printable: control characters (other than tab) and byte sequences that
// are not UTF-8 have no place in a name, key or address, and would not survive being written back.
std::optional<std::string> unprintable(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "0x%02x", c);
                return std::string("control character ") + buf + " at offset " + std::to_string(i);
            }
            ++i;
            continue;
        }
        size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        bool ok = n != 0 && i + n <= s.size();
        for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (!ok) return "bytes that are not UTF-8 at offset " + std::to_string(i);
        i += n;
    }
    return std::nullopt;
}

}  // namespace

namespace {

bool is_quoted(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "!"; }

// Optional '-', then decimal digits. nullopt for anything else; `negative`/`overflow` set.
std::optional<uint64_t> parse_unsigned(std::string_view s, bool& negative, bool& overflow) {
    negative = false;
    overflow = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
        overflow = true;
        return UINT64_MAX;
    }
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    if (negative && v == 0) negative = false;
    return v;
}

std::string range_text(uint64_t lo, uint64_t hi) { return std::to_string(lo) + ".." + std::to_string(hi); }

}  // namespace

std::string join_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return parent + "." + std::string(key);
}

std::string join_or(const std::vector<std::string>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
        default: return "an empty value";
    }
}

std::string element_path(const std::string& base, const YAML::Node& n, size_t index, std::string_view name_key,
                         std::string_view prefix, std::string_view fallback) {
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (it->first.IsScalar() && it->first.Scalar() == name_key && it->second.IsScalar()) {
                return base + "[" + std::string(prefix) + it->second.Scalar() + "]";
            }
        }
    }
    if (!fallback.empty()) return base + "[" + std::string(fallback) + "]";
    return base + "[" + std::to_string(index) + "]";
}

// ---------------------------------------------------------------- Mapping

const Mapping::Entry* Mapping::find(std::string_view key) const {
    for (const auto& e : entries_) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

std::optional<Field> Mapping::get(std::string_view key) const {
    const Entry* e = find(key);
    if (!e) return std::nullopt;
    return e->value;
}

std::optional<Field> Mapping::get(std::string_view key, FieldPositions& fields) const {
    const Entry* e = find(key);
    if (!e) return std::nullopt;
    fields.set(key, e->value.pos);
    return e->value;
}

// ---------------------------------------------------------------- Reader: positions and containers

SourcePos Reader::pos(const YAML::Node& n) const {
    SourcePos p;
    p.file = file_;
    YAML::Mark m = n.Mark();
    if (m.line >= 0 && m.column >= 0) {
        p.line = m.line + 1;
        p.column = m.column + 1;
    }
    return p;
}

SourcePos Reader::pos_at(const YAML::Node& n, size_t column_offset) const {
    SourcePos p = pos(n);
    if (p.column > 0) p.column += static_cast<int>(column_offset) + (is_quoted(n) ? 1 : 0);
    return p;
}

std::optional<Mapping> Reader::mapping(const Field& f, std::initializer_list<std::string_view> allowed) {
    Mapping m(f.path, f.pos);
    if (f.node.IsNull()) return m;
    if (!f.node.IsMap()) {
        error(f, "expected a mapping (key: value), got " + describe(f.node));
        return std::nullopt;
    }
    std::vector<std::string> allowed_names(allowed.begin(), allowed.end());
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        SourcePos key_pos = pos(it->first);
        if (!it->first.IsScalar()) {
            error(key_pos, f.path, "a key must be a plain word, got " + describe(it->first));
            continue;
        }
        const std::string& key = it->first.Scalar();
        std::string path = join_path(f.path, key);
        bool known = false;
        for (auto a : allowed) known = known || a == key;
        if (!known) {
            std::string msg = "unknown key '" + key + "'";
            if (auto near = closest_match(key, allowed_names)) {
                msg += "; did you mean '" + *near + "'?";
            } else if (allowed_names.empty()) {
                msg += "; nothing is allowed here";
            } else {
                msg += " (expected " + join_or(allowed_names) + ")";
            }
            error(key_pos, path, msg);
            continue;
        }
        bool repeated = false;
        for (const auto& e : m.entries()) {
            if (e.key == key) {
                error(key_pos, path, "duplicate key '" + key + "' (first given at line " +
                                         std::to_string(e.key_pos.line) + "); remove one of them");
                repeated = true;
                break;
            }
        }
        if (repeated) continue;
        SourcePos value_pos = it->second.IsNull() ? key_pos : pos(it->second);
        m.add({key, key_pos, Field{it->second, path, value_pos}});
    }
    return m;
}

std::vector<YAML::Node> Reader::sequence(const Field& f) {
    std::vector<YAML::Node> out;
    if (f.node.IsNull()) return out;
    if (!f.node.IsSequence()) {
        error(f, "expected a list, got " + describe(f.node));
        return out;
    }
    for (const auto& n : f.node) out.push_back(n);
    return out;
}

std::vector<NamedField> Reader::named(const Field& f, std::string_view what) {
    std::vector<NamedField> out;
    if (f.node.IsNull()) return out;
    if (!f.node.IsMap()) {
        error(f, "expected a mapping of " + std::string(what) + " names (NAME: ...), got " + describe(f.node));
        return out;
    }
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        SourcePos key_pos = pos(it->first);
        if (!it->first.IsScalar() || it->first.Scalar().empty()) {
            error(key_pos, f.path, "a " + std::string(what) + " name must be a word or a number, got " +
                                       describe(it->first));
            continue;
        }
        std::string name = it->first.Scalar();
        if (auto why = unprintable(name)) {
            error(key_pos, f.path, std::string(what) + " names must be printable text; this one has " + *why);
            continue;
        }
        std::string path = join_path(f.path, name);
        bool repeated = false;
        for (const auto& e : out) {
            if (e.name == name) {
                error(key_pos, path, "duplicate " + std::string(what) + " '" + name + "' (first defined at line " +
                                         std::to_string(e.name_pos.line) + "); merge the two or rename one");
                repeated = true;
                break;
            }
        }
        if (repeated) continue;
        SourcePos value_pos = it->second.IsNull() ? key_pos : pos(it->second);
        out.push_back({name, key_pos, Field{it->second, path, value_pos}});
    }
    return out;
}

void Reader::missing(const Mapping& m, std::string_view key, std::string_view what_it_is) {
    error(m.pos(), m.path(), "missing required key '" + std::string(key) + "' (" + std::string(what_it_is) + ")");
}

// ---------------------------------------------------------------- Reader: scalars

std::optional<std::string> Reader::scalar_text(const Field& f, std::string_view what) {
    if (f.node.IsScalar()) {
        if (auto why = unprintable(f.node.Scalar())) {
            error(f, "expected " + std::string(what) + " in printable text, got " + *why);
            return std::nullopt;
        }
        return f.node.Scalar();
    }
    error(f, "expected " + std::string(what) + ", got " + describe(f.node));
    return std::nullopt;
}

std::optional<std::string> Reader::string(const Field& f) { return scalar_text(f, "a string"); }

std::optional<std::string> Reader::nonempty_string(const Field& f) {
    auto s = scalar_text(f, "a non-empty string");
    if (s && s->empty()) {
        error(f, "expected a non-empty string, got \"\"");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> Reader::boolean(const Field& f) {
    auto s = scalar_text(f, "true or false");
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "True" || *s == "TRUE") return true;
    if (*s == "false" || *s == "False" || *s == "FALSE") return false;
    error(f, "expected true or false, got '" + *s + "'");
    return std::nullopt;
}

std::optional<uint64_t> Reader::integer(const Field& f, uint64_t lo, uint64_t hi) {
    std::string range = "an integer " + range_text(lo, hi);
    auto s = scalar_text(f, range);
    if (!s) return std::nullopt;
    bool negative = false, overflow = false;
    auto v = parse_unsigned(*s, negative, overflow);
    if (!v) {
        error(f, "expected " + range + ", got '" + *s + "'");
        return std::nullopt;
    }
    if (negative || overflow || *v < lo || *v > hi) {
        error(f, *s + " is out of range (" + range_text(lo, hi) + ")");
        return std::nullopt;
    }
    return v;
}

std::optional<uint64_t> Reader::integer_in(const Field& f, std::initializer_list<uint64_t> allowed) {
    std::vector<std::string> names;
    for (auto a : allowed) names.push_back(std::to_string(a));
    std::string expected = join_or(names);
    auto s = scalar_text(f, expected);
    if (!s) return std::nullopt;
    bool negative = false, overflow = false;
    auto v = parse_unsigned(*s, negative, overflow);
    if (v && !negative && !overflow) {
        for (auto a : allowed) {
            if (a == *v) return v;
        }
    }
    error(f, "expected " + expected + ", got '" + *s + "'");
    return std::nullopt;
}

std::optional<uint32_t> Reader::duration_ms(const Field& f) {
    const char* expected = "a duration (seconds, or a number with a unit: 250ms, 3s)";
    auto s = scalar_text(f, expected);
    if (!s) return std::nullopt;
    std::string_view t = *s;
    uint64_t scale = 1000;
    if (t.size() > 2 && t.substr(t.size() - 2) == "ms") {
        scale = 1;
        t.remove_suffix(2);
    } else if (t.size() > 1 && t.back() == 's') {
        t.remove_suffix(1);
    }
    bool negative = false, overflow = false;
    auto v = parse_unsigned(t, negative, overflow);
    if (!v || negative) {
        error(f, "expected " + std::string(expected) + ", got '" + *s + "'");
        return std::nullopt;
    }
    constexpr uint64_t max_ms = UINT32_MAX;
    if (overflow || *v > max_ms / scale) {
        error(f, "duration '" + *s + "' is too long (at most " + std::to_string(max_ms / 1000) + "s)");
        return std::nullopt;
    }
    return static_cast<uint32_t>(*v * scale);
}

std::optional<Ipv4Address> Reader::address(const Field& f) {
    auto s = scalar_text(f, "an IPv4 address (A.B.C.D)");
    if (!s) return std::nullopt;
    auto a = Ipv4Address::parse(*s);
    if (!a) {
        error(f, a.error().message);
        return std::nullopt;
    }
    return *a;
}

std::optional<Ipv4Prefix> Reader::prefix(const Field& f) {
    auto s = scalar_text(f, "an IPv4 prefix (A.B.C.D/N)");
    if (!s) return std::nullopt;
    auto p = Ipv4Prefix::parse(*s);
    if (!p) {
        error(f, p.error().message);
        return std::nullopt;
    }
    return *p;
}

std::optional<Ipv4Prefix> Reader::address_or_prefix(const Field& f) {
    auto s = scalar_text(f, "an IPv4 address or prefix (A.B.C.D or A.B.C.D/N)");
    if (!s) return std::nullopt;
    if (s->find('/') == std::string::npos) {
        auto a = Ipv4Address::parse(*s);
        if (!a) {
            error(f, a.error().message);
            return std::nullopt;
        }
        return Ipv4Prefix(*a, 32);
    }
    auto p = Ipv4Prefix::parse(*s);
    if (!p) {
        error(f, p.error().message);
        return std::nullopt;
    }
    return *p;
}

std::optional<Ipv4InterfaceAddress> Reader::interface_address(const Field& f) {
    auto s = scalar_text(f, "an interface address (A.B.C.D/N)");
    if (!s) return std::nullopt;
    auto a = Ipv4InterfaceAddress::parse(*s);
    if (!a) {
        error(f, a.error().message);
        return std::nullopt;
    }
    return *a;
}

std::optional<uint16_t> Reader::dh_group(const Field& f) {
    const char* groups = "14, 19, 20, 21 or 31";
    auto s = scalar_text(f, std::string("a Diffie-Hellman group (") + groups + ")");
    if (!s) return std::nullopt;
    std::string_view t = *s;
    if (t.substr(0, 5) == "group") t.remove_prefix(5);  // IOS spelling: group14
    bool negative = false, overflow = false;
    auto v = parse_unsigned(t, negative, overflow);
    if (!v || negative || overflow || *v > 65535 || !dh_group_supported(static_cast<uint16_t>(*v))) {
        error(f, "'" + *s + "' is not a supported Diffie-Hellman group (expected " + groups + ")");
        return std::nullopt;
    }
    return static_cast<uint16_t>(*v);
}

void Reader::bad_word(const Field& f, const std::string& got, std::string_view what,
                      const std::vector<std::string>& names) {
    std::string msg = "'" + got + "' is not a valid " + std::string(what) + " (expected " + join_or(names) + ")";
    if (auto near = closest_match(got, names)) msg += "; did you mean '" + *near + "'?";
    error(f, msg);
}

}  // namespace tandem::config::yaml_detail
