// The IOS importer's core: splitting text into lines and tokens, the sub-mode state machine, the
// diagnostic and token helpers every command uses, and the commands that are neither crypto nor
// interfaces (hostname, access lists, ip route). See ios_import.h for what is imported and how
// layout is read, and ios_import_parser.h for the state machine.
#include "common/config/ios_import.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/config/acl_text.h"
#include "common/config/ios_import_parser.h"

namespace tandem::config {

namespace {

struct InterfaceType {
    std::string_view canonical;
    size_t min_abbrev;  // shortest prefix IOS users write for it ("fa", "gi")
};

constexpr std::array<InterfaceType, 14> interface_types{{
    {"FastEthernet", 2},
    {"GigabitEthernet", 2},
    {"TenGigabitEthernet", 2},
    {"TwentyFiveGigE", 3},
    {"FortyGigabitEthernet", 2},
    {"HundredGigE", 2},
    {"Ethernet", 1},
    {"Loopback", 2},
    {"Tunnel", 2},
    {"Serial", 2},
    {"Vlan", 1},
    {"Port-channel", 2},
    {"Dialer", 2},
    {"BVI", 3},
}};

}  // namespace

namespace ios {

std::optional<std::string_view> canonical_interface_type(std::string_view type) {
    if (type.empty()) return std::nullopt;
    std::string head = to_lower(type);
    for (const auto& t : interface_types) {
        std::string canon = to_lower(t.canonical);
        if (head.size() >= t.min_abbrev && head.size() <= canon.size() && canon.compare(0, head.size(), head) == 0) {
            return t.canonical;
        }
    }
    return std::nullopt;
}

}  // namespace ios

std::string normalise_interface_name(std::string_view type, std::string_view number) {
    std::string joined = std::string(type) + std::string(number);
    size_t alpha = 0;
    while (alpha < joined.size() && (std::isalpha(static_cast<unsigned char>(joined[alpha])) || joined[alpha] == '-')) {
        ++alpha;
    }
    if (alpha == 0 || alpha == joined.size()) return joined;  // no type, or no number: keep as written
    auto canonical = ios::canonical_interface_type(std::string_view(joined).substr(0, alpha));
    return canonical ? std::string(*canonical) + joined.substr(alpha) : joined;
}

IosImportResult import_ios(std::string_view text, const std::string& file_name) {
    IosImportResult out;
    ios::Importer importer(file_name, out.config, out.diags);
    importer.run(text);
    return out;
}

namespace ios {

// ---------------------------------------------------------------- small helpers

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string_view Line::rest(size_t i) const {
    if (i >= toks.size()) return {};
    size_t offset = static_cast<size_t>(toks[i].column - toks[0].column);
    return text.substr(offset);
}

int Line::end_column() const {
    if (toks.empty()) return indent + 1;
    const Token& t = toks.back();
    return t.column + static_cast<int>(t.text.size());
}

namespace {

std::string join_choices(const std::vector<std::string>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

Line split_line(std::string_view raw, int number) {
    Line l;
    l.number = number;
    size_t i = 0;
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
    l.indent = static_cast<int>(i);
    size_t end = raw.size();
    while (end > i && (raw[end - 1] == ' ' || raw[end - 1] == '\t' || raw[end - 1] == '\r')) --end;
    l.text = raw.substr(i, end - i);
    while (i < end) {
        while (i < end && (raw[i] == ' ' || raw[i] == '\t')) ++i;
        size_t start = i;
        while (i < end && raw[i] != ' ' && raw[i] != '\t') ++i;
        if (i > start) l.toks.push_back({raw.substr(start, i - start), static_cast<int>(start) + 1});
    }
    return l;
}

// Lines `show running-config` prints that carry nothing: they are skipped without a word.
bool is_bookkeeping(const Line& l) {
    std::string_view w = l.word(0);
    for (std::string_view k : {"version", "end", "service", "boot-start-marker", "boot-end-marker"}) {
        if (iequals(w, k)) return true;
    }
    if (iequals(w, "no") && iequals(l.word(1), "service")) return true;
    if (iequals(w, "Building") && iequals(l.word(1), "configuration...")) return true;
    if (iequals(w, "Current") && iequals(l.word(1), "configuration")) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------- lines and modes

void Importer::run(std::string_view text) {
    int number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        ++number;
        Line l = split_line(raw, number);
        if (!l.toks.empty() && l.text[0] != '!') handle(l);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    finish();
}

void Importer::handle(const Line& l) {
    if (mode_ != Mode::global) {
        // Indented lines belong to the open block (unless they are unmistakably global); an
        // unindented one only when it is not a global command but is one of the block's (IOS's
        // parser falls back the same way).
        bool global = mode_ != Mode::skipped && is_global_command(l);
        bool belongs = !global && (l.indent > 0 || (mode_ != Mode::skipped && submode_accepts(l)));
        if (belongs) {
            submode_command(l);
            return;
        }
        leave_mode();
    }
    global_command(l);
}

bool Importer::is_global_command(const Line& l) const {
    // The only global command whose words a sub-mode also uses: `crypto map NAME SEQ ...` versus
    // an interface's `crypto map NAME [redundancy ...]`.
    if (iequals(l.word(0), "crypto") && iequals(l.word(1), "map")) {
        return l.size() >= 4 && !iequals(l.word(3), "redundancy");
    }
    return false;
}

bool Importer::submode_accepts(const Line& l) const {
    auto any_of = [&](std::initializer_list<std::string_view> words) {
        return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return iequals(l.word(0), w); });
    };
    switch (mode_) {
    case Mode::crypto_map:
    case Mode::dynamic_map:
        return any_of({"set", "match", "reverse-route", "description"});
    case Mode::transform_set:
        return any_of({"mode"});
    case Mode::isakmp_policy:
        return any_of({"encryption", "encr", "hash", "group", "authentication", "lifetime"});
    case Mode::ikev2_proposal:
        return any_of({"encryption", "integrity", "prf", "group"});
    case Mode::ikev2_keyring:
        return any_of({"peer"});
    case Mode::keyring_peer:
        return any_of({"peer", "address", "pre-shared-key", "description", "identity"});
    case Mode::ikev2_profile:
        return any_of({"lifetime", "dpd"});
    case Mode::interface:
        if (any_of({"standby", "shutdown", "mtu", "description"})) return true;
        if (iequals(l.word(0), "ip")) return iequals(l.word(1), "address");
        if (iequals(l.word(0), "no")) return iequals(l.word(1), "shutdown") || iequals(l.word(1), "ip");
        return iequals(l.word(0), "crypto") && iequals(l.word(1), "map");
    case Mode::named_acl:
        return any_of({"permit", "deny", "remark"}) || all_digits(l.word(0));
    case Mode::global:
    case Mode::skipped:
        break;
    }
    return false;
}

void Importer::submode_command(const Line& l) {
    switch (mode_) {
    case Mode::crypto_map:
    case Mode::dynamic_map:
        map_entry_line(l);
        return;
    case Mode::transform_set:
        transform_set_line(l);
        return;
    case Mode::isakmp_policy:
        isakmp_policy_line(l);
        return;
    case Mode::ikev2_proposal:
        ikev2_proposal_line(l);
        return;
    case Mode::ikev2_keyring:
    case Mode::keyring_peer:
        keyring_line(l);
        return;
    case Mode::ikev2_profile:
        ikev2_profile_line(l);
        return;
    case Mode::interface:
        interface_line(l);
        return;
    case Mode::named_acl:
        named_acl_line(l);
        return;
    case Mode::skipped:
        warning(l, 0, "", quoted(l.text) + " is not imported (" + skip_what_ + ")");
        return;
    case Mode::global:
        break;
    }
    global_command(l);
}

void Importer::global_command(const Line& l) {
    if (is_bookkeeping(l)) return;
    std::string_view w = l.word(0);
    if (iequals(w, "hostname")) {
        cmd_hostname(l);
    } else if (iequals(w, "crypto")) {
        cmd_crypto(l);
    } else if (iequals(w, "interface")) {
        cmd_interface(l);
    } else if (iequals(w, "access-list")) {
        cmd_access_list(l);
    } else if (iequals(w, "ip") && iequals(l.word(1), "access-list")) {
        cmd_ip_access_list(l);
    } else if (iequals(w, "ip") && iequals(l.word(1), "route")) {
        cmd_ip_route(l);
    } else if (l.indent > 0) {
        warning(l, 0, "", quoted(l.text) + " is not imported (it is indented, but no block it could belong to is open)");
    } else {
        skip_block(l, "not part of Tandem's model");
    }
}

void Importer::enter(Mode m) {
    leave_mode();
    mode_ = m;
}

void Importer::leave_mode() {
    switch (mode_) {
    case Mode::isakmp_policy:
        finish_isakmp_policy();
        break;
    case Mode::ikev2_proposal:
        finish_ikev2_proposal();
        break;
    case Mode::keyring_peer:
        finish_keyring_peer();
        break;
    default:
        break;
    }
    mode_ = Mode::global;
}

// Warns about a global command that is not imported and skips the block it opens, if any.
void Importer::skip_block(const Line& l, std::string why) {
    warning(l, 0, "", quoted(l.text) + " is not imported (" + why + ")");
    enter(Mode::skipped);
    skip_what_ = "part of " + quoted(l.text) + ", which is not imported";
}

void Importer::skip_errored_block(const Line& l) {
    enter(Mode::skipped);
    skip_what_ = "part of " + quoted(l.text) + ", which has errors";
}

void Importer::finish() {
    leave_mode();
    finish_reverse_routes();
    auto by_seq = [](const auto& a, const auto& b) { return a.seq < b.seq; };
    for (auto& m : cfg_.crypto_maps) std::stable_sort(m.entries.begin(), m.entries.end(), by_seq);
    for (auto& m : cfg_.dynamic_maps) std::stable_sort(m.entries.begin(), m.entries.end(), by_seq);
}

// ---------------------------------------------------------------- diagnostics and tokens

SourcePos Importer::pos_at(const Line& l, size_t i) const {
    int column = i < l.size() ? l.toks[i].column : l.end_column();
    return SourcePos{file_, l.number, column};
}

void Importer::error(const Line& l, size_t i, const std::string& field, std::string msg) {
    diags_.error(pos_at(l, i), field, std::move(msg));
}

void Importer::warning(const Line& l, size_t i, const std::string& field, std::string msg) {
    diags_.warning(pos_at(l, i), field, std::move(msg));
}

void Importer::not_imported(const Line& l, std::string_view why) {
    warning(l, 0, "", quoted(l.text) + " is not imported (" + std::string(why) + ")");
}

std::optional<uint64_t> Importer::number(const Line& l, size_t i, uint64_t lo, uint64_t hi, std::string_view what,
                                         const std::string& field) {
    std::string range = " (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
    if (i >= l.size()) {
        error(l, i, field, "missing " + std::string(what) + range);
        return std::nullopt;
    }
    std::string_view t = l.word(i);
    if (!all_digits(t)) {
        error(l, i, field, quoted(t) + " is not a number; expected " + std::string(what) + range);
        return std::nullopt;
    }
    uint64_t v = 0;
    bool overflow = t.size() > 15;
    if (!overflow) {
        for (char c : t) v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (overflow || v < lo || v > hi) {
        error(l, i, field, std::string(t) + " is out of range for " + std::string(what) + range);
        return std::nullopt;
    }
    return v;
}

std::optional<Ipv4Address> Importer::address(const Line& l, size_t i, std::string_view what, const std::string& field) {
    if (i >= l.size()) {
        error(l, i, field, "missing " + std::string(what) + " (A.B.C.D)");
        return std::nullopt;
    }
    auto a = Ipv4Address::parse(l.word(i));
    if (!a) {
        error(l, i, field, quoted(l.word(i)) + " is not an IPv4 address; expected " + std::string(what) +
                               " as A.B.C.D (four numbers 0..255)");
        return std::nullopt;
    }
    return *a;
}

std::optional<unsigned> Importer::netmask(const Line& l, size_t i, const std::string& field) {
    if (i >= l.size()) {
        error(l, i, field, "missing netmask (e.g. 255.255.255.0)");
        return std::nullopt;
    }
    auto a = Ipv4Address::parse(l.word(i));
    if (!a) {
        error(l, i, field, quoted(l.word(i)) + " is not a netmask; expected A.B.C.D such as 255.255.255.0");
        return std::nullopt;
    }
    auto len = netmask_length(*a);
    if (len) return len;
    auto inverse = netmask_length(Ipv4Address(~a->value()));
    if (inverse) {
        error(l, i, field, quoted(l.word(i)) + " is a wildcard mask, but this command takes a netmask; did you mean " +
                               Ipv4Address(prefix_mask(*inverse)).str() + "?");
    } else {
        error(l, i, field, quoted(l.word(i)) + " is not a netmask (its one bits must be contiguous from the left, "
                                               "e.g. 255.255.255.0)");
    }
    return std::nullopt;
}

bool Importer::expect_end(const Line& l, size_t i, const std::string& field, std::string_view expected) {
    if (i >= l.size()) return true;
    std::string msg = "unexpected " + quoted(l.word(i));
    msg += expected.empty() ? " at the end of the command" : "; expected " + std::string(expected);
    error(l, i, field, std::move(msg));
    return false;
}

std::optional<std::string> Importer::interface_name(const Line& l, size_t& i, const std::string& field) {
    if (i >= l.size()) {
        error(l, i, field, "missing interface name (e.g. FastEthernet0/0)");
        return std::nullopt;
    }
    std::string_view type = l.word(i);
    bool has_digit = std::any_of(type.begin(), type.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!has_digit) {
        // A known type needs its number, which IOS lets one write after a space ("FastEthernet 0/0");
        // other names (Tandem's own "outside") are taken as written.
        if (auto canonical = canonical_interface_type(type)) {
            std::string_view next = l.word(i + 1);
            if (next.empty() || next[0] < '0' || next[0] > '9' || Ipv4Address::parse(next)) {
                error(l, i + 1, field, "missing the interface number after " + quoted(type) + " (e.g. " +
                                           std::string(*canonical) + "0/0)");
                return std::nullopt;
            }
            i += 2;
            return normalise_interface_name(type, next);
        }
    }
    i += 1;
    return normalise_interface_name(type);
}

std::optional<size_t> Importer::keyword(const Line& l, size_t i, const std::vector<std::string>& words,
                                        std::string_view what, const std::string& field) {
    if (i >= l.size()) {
        error(l, i, field, "missing " + std::string(what) + " (" + join_choices(words) + ")");
        return std::nullopt;
    }
    for (size_t k = 0; k < words.size(); ++k) {
        if (iequals(l.word(i), words[k])) return k;
    }
    std::string msg = quoted(l.word(i)) + " is not " + std::string(what) + "; expected " + join_choices(words);
    if (auto m = closest_match(to_lower(l.word(i)), words)) msg += " (did you mean " + *m + "?)";
    error(l, i, field, std::move(msg));
    return std::nullopt;
}

// ---------------------------------------------------------------- hostname

void Importer::cmd_hostname(const Line& l) {
    if (l.size() < 2) {
        error(l, 1, "hostname", "missing host name after 'hostname'");
        return;
    }
    if (!expect_end(l, 2, "hostname")) return;
    cfg_.hostname = std::string(l.word(1));
}

// ---------------------------------------------------------------- access lists

namespace {

bool standard_acl_number(uint64_t n) { return (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999); }
bool extended_acl_number(uint64_t n) { return (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699); }

// Why a numeric list name cannot be a crypto ACL, or "" when it can.
std::string acl_number_problem(std::string_view name) {
    if (!all_digits(name)) return {};
    uint64_t n = name.size() > 6 ? 999999 : std::stoull(std::string(name));
    if (extended_acl_number(n)) return {};
    if (standard_acl_number(n)) {
        return "access list " + std::string(name) +
               " is a standard list (1-99, 1300-1999); standard access lists cannot be crypto ACLs; use an "
               "extended one (100-199, 2000-2699, or 'ip access-list extended NAME')";
    }
    return "access list number " + std::string(name) +
           " is not an IP extended list; use 100-199, 2000-2699 or 'ip access-list extended NAME'";
}

}  // namespace

size_t Importer::acl_index(const std::string& name, const SourcePos& pos) {
    for (size_t i = 0; i < cfg_.access_lists.size(); ++i) {
        if (cfg_.access_lists[i].name == name) return i;
    }
    AccessList acl;
    acl.pos = pos;
    acl.name = name;
    cfg_.access_lists.push_back(std::move(acl));
    acl_seqs_.resize(cfg_.access_lists.size());
    return cfg_.access_lists.size() - 1;
}

void Importer::cmd_access_list(const Line& l) {
    std::string_view name = l.word(1);
    if (name.empty()) {
        error(l, 1, "access_lists", "missing access-list number (100-199 or 2000-2699)");
        return;
    }
    std::string field = "access_lists." + std::string(name);
    if (!all_digits(name)) {
        error(l, 1, field, quoted(name) + " is not an access-list number (100-199 or 2000-2699); "
                                          "named lists are written 'ip access-list extended NAME'");
        return;
    }
    if (std::string why = acl_number_problem(name); !why.empty()) {
        error(l, 1, field, why);
        return;
    }
    if (iequals(l.word(2), "dynamic")) {
        error(l, 2, field, "dynamic (lock-and-key) access lists are not supported");
        return;
    }
    add_acl_entry(l, SIZE_MAX, 2, std::nullopt);
}

void Importer::cmd_ip_access_list(const Line& l) {
    auto kind = l.word(2);
    if (iequals(kind, "standard")) {
        error(l, 2, "access_lists", "standard access lists cannot be crypto ACLs; use an extended one "
                                    "('ip access-list extended NAME')");
        enter(Mode::skipped);
        skip_what_ = "part of " + quoted(l.text) + ", which is not imported";
        return;
    }
    if (!iequals(kind, "extended")) {
        if (kind.empty() || iequals(kind, "logging") || iequals(kind, "resequence") || iequals(kind, "role-based")) {
            skip_block(l, "not part of Tandem's model; crypto ACLs are 'ip access-list extended NAME'");
        } else {
            error(l, 2, "access_lists", quoted(kind) + " is not an access-list type Tandem imports; expected extended");
            skip_errored_block(l);
        }
        return;
    }
    if (l.size() < 4) {
        error(l, 3, "access_lists", "missing access-list name after 'ip access-list extended'");
        skip_errored_block(l);
        return;
    }
    std::string name(l.word(3));
    if (std::string why = acl_number_problem(name); !why.empty() || !expect_end(l, 4, "access_lists." + name)) {
        if (!why.empty()) error(l, 3, "access_lists." + name, why);
        skip_errored_block(l);
        return;
    }
    size_t idx = acl_index(name, cmd_pos(l));
    enter(Mode::named_acl);
    cur_ = idx;
}

void Importer::named_acl_line(const Line& l) {
    std::optional<uint32_t> seq;
    size_t i = 0;
    const std::string field = "access_lists." + cfg_.access_lists[cur_].name;
    if (all_digits(l.word(0))) {
        auto n = number(l, 0, 1, 2147483647, "the entry's sequence number", field);
        if (!n) return;
        seq = static_cast<uint32_t>(*n);
        i = 1;
    } else if (iequals(l.word(0), "no") || iequals(l.word(0), "statistics")) {
        not_imported(l);
        return;
    }
    add_acl_entry(l, cur_, i, seq);
}

// Adds the entry whose text starts at token `first` to list `index` (SIZE_MAX: the numbered list
// named by token 1, created when the entry is good).
void Importer::add_acl_entry(const Line& l, size_t index, size_t first, std::optional<uint32_t> seq) {
    std::string name = index == SIZE_MAX ? std::string(l.word(1)) : cfg_.access_lists[index].name;
    const AccessList* existing = cfg_.find_access_list(name);
    size_t would_be = existing ? existing->entries.size() : 0;
    std::string field = "access_lists." + name + "[" + std::to_string(would_be) + "]";
    if (first >= l.size()) {
        error(l, first, field, "missing entry: permit, deny or remark");
        return;
    }
    // IOS keywords are case-insensitive; a remark's text is kept as written.
    std::string text = iequals(l.word(first), "remark") ? "remark" + std::string(l.rest(first).substr(6))
                                                        : to_lower(l.rest(first));
    AclEntry e;
    e.pos = pos_at(l, first);
    AceError err;
    if (!parse_ace(text, e, err)) {
        SourcePos p = pos_at(l, first);
        p.column += static_cast<int>(err.offset);
        diags_.error(p, field, err.message);
        return;
    }
    if (index == SIZE_MAX) index = acl_index(name, cmd_pos(l));
    auto& entries = cfg_.access_lists[index].entries;
    auto& seqs = acl_seqs_[index];
    uint32_t s = seq ? *seq : (seqs.empty() ? 10 : seqs.back() + 10);
    auto at = std::lower_bound(seqs.begin(), seqs.end(), s);
    if (at != seqs.end() && *at == s) {
        error(l, first - 1, field, "sequence number " + std::to_string(s) + " is already used in access list " + name);
        return;
    }
    size_t k = static_cast<size_t>(at - seqs.begin());
    seqs.insert(at, s);
    entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(k), std::move(e));
}

// ---------------------------------------------------------------- ip route

// ip route PREFIX MASK {NEXTHOP | IFNAME [NEXTHOP]} [DISTANCE] [tag N] [permanent] [name TEXT]
void Importer::cmd_ip_route(const Line& l) {
    std::string field = "routes[" + std::to_string(cfg_.routes.size()) + "]";
    if (iequals(l.word(2), "vrf")) {
        not_imported(l, "Tandem has no VRFs");
        return;
    }
    StaticRoute r;
    r.pos = cmd_pos(l);
    auto a = address(l, 2, "the destination prefix", field + ".prefix");
    if (!a) return;
    auto len = netmask(l, 3, field + ".prefix");
    if (!len) return;
    Ipv4Prefix p = Ipv4Prefix::containing(*a, *len);
    if (p.address() != *a) {
        std::string mask(l.word(3));
        error(l, 2, field + ".prefix", a->str() + " " + mask + " has host bits set; did you mean " +
                                           p.address().str() + " " + mask + "?");
        return;
    }
    r.prefix = p;
    r.fields.set("prefix", pos_at(l, 2));
    size_t i = 4;
    if (i >= l.size()) {
        error(l, i, field, "missing next hop address or interface");
        return;
    }
    auto starts_with_digit = [](std::string_view w) { return !w.empty() && w[0] >= '0' && w[0] <= '9'; };
    if (starts_with_digit(l.word(i))) {
        auto nh = address(l, i, "the next hop", field + ".next_hop");
        if (!nh) return;
        r.next_hop = *nh;
        r.fields.set("next_hop", pos_at(l, i));
        ++i;
    } else {
        r.fields.set("interface", pos_at(l, i));
        auto name = interface_name(l, i, field + ".interface");
        if (!name) return;
        r.interface = *name;
        if (starts_with_digit(l.word(i)) && l.word(i).find('.') != std::string_view::npos) {
            auto nh = address(l, i, "the next hop", field + ".next_hop");
            if (!nh) return;
            r.next_hop = *nh;
            r.fields.set("next_hop", pos_at(l, i));
            ++i;
        }
    }
    if (all_digits(l.word(i))) {
        auto d = number(l, i, 1, 255, "administrative distance", field + ".distance");
        if (!d) return;
        r.distance = static_cast<uint8_t>(*d);
        r.fields.set("distance", pos_at(l, i));
        ++i;
    }
    while (i < l.size()) {
        std::string_view w = l.word(i);
        if (iequals(w, "tag")) {
            auto t = number(l, i + 1, 1, 4294967295u, "route tag", field + ".tag");
            if (!t) return;
            r.tag = static_cast<uint32_t>(*t);
            r.fields.set("tag", pos_at(l, i + 1));
            i += 2;
        } else if (iequals(w, "name")) {
            if (i + 1 >= l.size()) {
                error(l, i + 1, field, "missing text after 'name'");
                return;
            }
            i += 2;  // a label, like description
        } else if (iequals(w, "permanent") || iequals(w, "track")) {
            warning(l, i, field, quoted(w) + " is not imported; Tandem keeps the route while its interface is up");
            i += iequals(w, "track") ? 2 : 1;
        } else {
            expect_end(l, i, field, "a distance (1..255), 'tag N', 'name TEXT' or the end of the command");
            return;
        }
    }
    cfg_.routes.push_back(std::move(r));
}

}  // namespace ios
}  // namespace tandem::config
