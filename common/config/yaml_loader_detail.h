// Internals of the YAML loader (yaml_loader.h), shared by its source files; not a public API.
//
// A Reader turns yaml-cpp nodes into model values and reports what it cannot read. Every value
// is handled as a Field: its node, its path in YAML names (`interfaces[e0].standby[1].priority`)
// and its 1-based position. Each typed read returns nullopt after reporting an error, so callers
// keep the model's default and go on with the next key:
//
//   if (auto f = m.get("priority", g.fields)) set_if(g.priority, r.integer(*f, 0, 255));
//
// A Mapping is a YAML mapping checked against the keys the schema allows there: unknown keys
// (with "did you mean") and repeated keys are reported when it is made; get() returns the value
// of a key (the first one, if repeated) and records the key's position in the object's fields.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config::yaml_detail {

struct Field {
    YAML::Node node;
    std::string path;
    SourcePos pos;
};

// A name -> value entry of a mapping whose keys are names (access_lists, crypto_maps, ...).
struct NamedField {
    std::string name;
    SourcePos name_pos;
    Field value;
};

class Mapping {
public:
    struct Entry {
        std::string key;
        SourcePos key_pos;
        Field value;
    };

    Mapping(std::string path, SourcePos pos) : path_(std::move(path)), pos_(std::move(pos)) {}

    // The value of `key` (its first occurrence), recording its position in `fields` when given.
    std::optional<Field> get(std::string_view key) const;
    std::optional<Field> get(std::string_view key, FieldPositions& fields) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    const std::string& path() const { return path_; }
    const SourcePos& pos() const { return pos_; }
    const std::vector<Entry>& entries() const { return entries_; }
    void add(Entry e) { entries_.push_back(std::move(e)); }

private:
    const Entry* find(std::string_view key) const;

    std::string path_;
    SourcePos pos_;
    std::vector<Entry> entries_;  // first occurrences only, in document order
};

// "a.b" or "b" when the parent path is empty.
std::string join_path(const std::string& parent, std::string_view key);

// "a, b or c"
std::string join_or(const std::vector<std::string>& words);

template <typename E>
using WordTable = std::initializer_list<std::pair<std::string_view, E>>;

class Reader {
public:
    Reader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

    SourcePos pos(const YAML::Node& n) const;
    SourcePos pos_at(const YAML::Node& n, size_t column_offset) const;
    Field field(const YAML::Node& n, std::string path) const { return Field{n, std::move(path), pos(n)}; }
    const std::string& file() const { return file_; }

    void error(const SourcePos& pos, const std::string& path, std::string message) {
        diags_.error(pos, path, std::move(message));
    }
    void error(const Field& f, std::string message) { error(f.pos, f.path, std::move(message)); }

    // ---- containers. A null value (`key:` with nothing after it) reads as empty, silently.

    // The mapping in `f`, with unknown and repeated keys reported; nullopt if `f` is not a mapping.
    std::optional<Mapping> mapping(const Field& f, std::initializer_list<std::string_view> allowed);
    // The elements of the list in `f`; empty (after an error) if it is not a list.
    std::vector<YAML::Node> sequence(const Field& f);
    // Entries of a mapping keyed by names; a repeated name is reported as a duplicate `what`.
    std::vector<NamedField> named(const Field& f, std::string_view what);
    // Reports a missing REQUIRED key at the mapping.
    void missing(const Mapping& m, std::string_view key, std::string_view what_it_is);

    // ---- scalars

    std::optional<std::string> string(const Field& f);
    std::optional<std::string> nonempty_string(const Field& f);
    std::optional<bool> boolean(const Field& f);
    std::optional<uint64_t> integer(const Field& f, uint64_t lo, uint64_t hi);
    // An integer that must be one of `allowed` (standby_version: 1 | 2).
    std::optional<uint64_t> integer_in(const Field& f, std::initializer_list<uint64_t> allowed);
    // DURATION: integer seconds, or "250ms" / "3s". In milliseconds.
    std::optional<uint32_t> duration_ms(const Field& f);
    std::optional<Ipv4Address> address(const Field& f);
    std::optional<Ipv4Prefix> prefix(const Field& f);
    // An address (as /32) or a prefix.
    std::optional<Ipv4Prefix> address_or_prefix(const Field& f);
    std::optional<Ipv4InterfaceAddress> interface_address(const Field& f);
    std::optional<uint16_t> dh_group(const Field& f);

    template <typename E>
    std::optional<E> word(const Field& f, std::string_view what, WordTable<E> table) {
        auto s = scalar_text(f, "a word");
        if (!s) return std::nullopt;
        std::vector<std::string> names;
        for (const auto& [name, value] : table) {
            if (name == *s) return value;
            names.emplace_back(name);
        }
        bad_word(f, *s, what, names);
        return std::nullopt;
    }

    // The scalar's text, or an error "expected <what>" for a mapping, list or empty value.
    std::optional<std::string> scalar_text(const Field& f, std::string_view what);

private:
    void bad_word(const Field& f, const std::string& got, std::string_view what,
                  const std::vector<std::string>& names);

    std::string file_;
    Diagnostics& diags_;
};

// What a node is, for "expected X, got Y" messages: "a mapping", "a list", "an empty value", "'abc'".
std::string describe(const YAML::Node& n);

// The path element of a list entry: base[NAME] when the entry is a mapping whose `name_key` is a
// scalar, base[prefix NAME] with a prefix ("seq "), else base[INDEX] (or base[fallback] if given).
std::string element_path(const std::string& base, const YAML::Node& n, size_t index, std::string_view name_key,
                         std::string_view prefix = {}, std::string_view fallback = {});

template <typename T, typename U>
void set_if(T& dst, const std::optional<U>& v) {
    if (v) dst = static_cast<T>(*v);
}

template <typename T, typename U>
void set_if(std::optional<T>& dst, const std::optional<U>& v) {
    if (v) dst = static_cast<T>(*v);
}

// ---- the sections (yaml_loader_*.cc)

void read_interfaces(Reader& r, const Field& f, std::vector<Interface>& out);
void read_routes(Reader& r, const Field& f, std::vector<StaticRoute>& out);
void read_dataplane(Reader& r, const Field& f, DataplaneSettings& out);
void read_bird(Reader& r, const Field& f, BirdSettings& out);
void read_control(Reader& r, const Field& f, ControlSettings& out);
void read_access_lists(Reader& r, const Field& f, std::vector<AccessList>& out);
void read_transform_sets(Reader& r, const Field& f, std::vector<TransformSet>& out);
void read_ike(Reader& r, const Field& f, IkeSettings& out);
void read_ipsec(Reader& r, const Field& f, IpsecSettings& out);
void read_crypto_maps(Reader& r, const Field& f, std::vector<CryptoMap>& out);
void read_dynamic_maps(Reader& r, const Field& f, std::vector<DynamicMap>& out);
void read_lifetime(Reader& r, const Field& f, Lifetime& out);

}  // namespace tandem::config::yaml_detail
