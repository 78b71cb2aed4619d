// Parsers of the SA and policy YAML files of `tandemctl dp` (format in dp_yaml.h). yaml-cpp builds
// the node tree (its exceptions stop at this file's boundary); a Reader walks it with the first
// error kept, located by the node's mark.
#include "controlplane/ctl/dp_yaml.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>

#include "common/dpapi/codec.h"
#include "common/dpapi/verify.h"

namespace tandem::ctl {

namespace {

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    bool ok() const { return !error_; }
    const std::string& error() const { return *error_; }

    void fail(const YAML::Node& n, const std::string& what) {
        if (error_) return;
        YAML::Mark m = n.Mark();
        error_ = file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + what;
    }

    // A mapping whose keys are all in `allowed`.
    bool map(const YAML::Node& n, const std::string& what, std::initializer_list<std::string_view> allowed) {
        if (!n.IsMap()) {
            fail(n, what + " must be a mapping");
            return false;
        }
        for (const auto& kv : n) {
            std::string key = kv.first.Scalar();
            bool known = false;
            for (auto a : allowed) known |= key == a;
            if (!known) {
                std::string list;
                for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
                fail(kv.first, "unknown key '" + key + "' in " + what + " (known: " + list + ")");
                return false;
            }
        }
        return true;
    }

    std::optional<std::string> scalar(const YAML::Node& n, const std::string& key) {
        if (!n.IsScalar()) {
            fail(n, key + " must be a single value");
            return std::nullopt;
        }
        return n.Scalar();
    }

    std::optional<uint64_t> number(const YAML::Node& n, const std::string& key, uint64_t max) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        std::string_view v = *s;
        int base = 10;
        if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
            v.remove_prefix(2);
            base = 16;
        }
        uint64_t out = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
        if (v.empty() || ec != std::errc() || end != v.data() + v.size() || out > max) {
            fail(n, key + ": '" + *s + "' is not a number from 0 to " + std::to_string(max));
            return std::nullopt;
        }
        return out;
    }

    std::optional<bool> boolean(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        if (*s == "true" || *s == "yes") return true;
        if (*s == "false" || *s == "no") return false;
        fail(n, key + ": '" + *s + "' is not true or false");
        return std::nullopt;
    }

    std::optional<Ipv4Address> address(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        auto a = Ipv4Address::parse(*s);
        if (!a) {
            fail(n, key + ": " + a.error().message);
            return std::nullopt;
        }
        return *a;
    }

    std::optional<Ipv4Prefix> prefix(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        if (*s == "any") return Ipv4Prefix();
        if (s->find('/') == std::string::npos) {
            auto a = Ipv4Address::parse(*s);
            if (!a) {
                fail(n, key + ": " + a.error().message);
                return std::nullopt;
            }
            return Ipv4Prefix(*a, 32);
        }
        auto p = Ipv4Prefix::parse(*s);
        if (!p) {
            fail(n, key + ": " + p.error().message);
            return std::nullopt;
        }
        return *p;
    }

    // prefix, address, "A-B" or any.
    std::optional<Ipv4Range> range(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        auto dash = s->find('-');
        if (dash == std::string::npos) {
            auto p = prefix(n, key);
            if (!p) return std::nullopt;
            return Ipv4Range{p->first(), p->last()};
        }
        auto a = Ipv4Address::parse(s->substr(0, dash));
        auto b = Ipv4Address::parse(s->substr(dash + 1));
        if (!a || !b) {
            fail(n, key + ": '" + *s + "' is not an address range A-B");
            return std::nullopt;
        }
        return Ipv4Range{*a, *b};
    }

    std::optional<PortRange> ports(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        if (*s == "any") return PortRange{};
        auto dash = s->find('-');
        auto lo = port_by_name(s->substr(0, dash), true);
        auto hi = dash == std::string::npos ? lo : port_by_name(s->substr(dash + 1), true);
        if (!lo || !hi) {
            fail(n, key + ": '" + *s + "' is not any, a port or a range N-M");
            return std::nullopt;
        }
        return PortRange{*lo, *hi};
    }

    std::optional<uint8_t> protocol(const YAML::Node& n, const std::string& key) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        if (*s == "any" || *s == "ip") return uint8_t{0};
        auto p = protocol_by_name(*s);
        if (!p) fail(n, key + ": unknown protocol '" + *s + "'");
        return p;
    }

    // Hex bytes, optionally "0x"-prefixed and ':'-separated, into a fixed array.
    template <size_t N>
    std::optional<uint8_t> key_bytes(const YAML::Node& n, const std::string& key, std::array<uint8_t, N>& out) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        std::string hex;
        std::string_view v = *s;
        if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) v.remove_prefix(2);
        for (char c : v) {
            if (c != ':' && c != ' ') hex += c;
        }
        if (hex.size() % 2 != 0 || hex.size() / 2 > N) {
            fail(n, key + ": expected an even number of hex digits, at most " + std::to_string(N) + " bytes");
            return std::nullopt;
        }
        for (size_t i = 0; i < hex.size() / 2; ++i) {
            auto [end, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, out[i], 16);
            if (ec != std::errc() || end != hex.data() + 2 * i + 2) {
                fail(n, key + ": '" + hex.substr(2 * i, 2) + "' is not a hex byte");
                return std::nullopt;
            }
        }
        return static_cast<uint8_t>(hex.size() / 2);
    }

    template <typename E>
    std::optional<E> choice(const YAML::Node& n, const std::string& key,
                            std::initializer_list<std::pair<std::string_view, E>> names) {
        auto s = scalar(n, key);
        if (!s) return std::nullopt;
        std::string list;
        for (const auto& [name, value] : names) {
            if (*s == name) return value;
            list += (list.empty() ? "" : ", ") + std::string(name);
        }
        fail(n, key + ": '" + *s + "' is not one of " + list);
        return std::nullopt;
    }

private:
    std::string file_;
    std::optional<std::string> error_;
};

// The list under `key:`, or the document itself when it is a list.
std::optional<YAML::Node> item_list(Reader& r, const YAML::Node& root, const char* key) {
    if (root.IsSequence()) return root;
    if (root.IsMap() && r.map(root, "the file", {key}) && root[key] && root[key].IsSequence()) return root[key];
    if (r.ok()) r.fail(root, std::string("expected a list of items under '") + key + ":'");
    return std::nullopt;
}

Result<YAML::Node> load(const std::string& text, const std::string& file) {
    try {
        YAML::Node root = YAML::Load(text);
        if (!root || root.IsNull()) return Error(file + ": empty file");
        return root;
    } catch (const YAML::Exception& e) {
        return Error(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " +
                     e.msg);
    }
}

void read_selector(Reader& r, const YAML::Node& n, dpapi::TrafficSelector& ts) {
    if (!r.map(n, "selector", {"src", "dst", "protocol", "src_ports", "dst_ports"})) return;
    if (n["src"]) {
        if (auto v = r.range(n["src"], "src")) ts.src = *v;
    }
    if (n["dst"]) {
        if (auto v = r.range(n["dst"], "dst")) ts.dst = *v;
    }
    if (n["protocol"]) {
        if (auto v = r.protocol(n["protocol"], "protocol")) ts.protocol = *v;
    }
    if (n["src_ports"]) {
        if (auto v = r.ports(n["src_ports"], "src_ports")) ts.src_ports = *v;
    }
    if (n["dst_ports"]) {
        if (auto v = r.ports(n["dst_ports"], "dst_ports")) ts.dst_ports = *v;
    }
}

dpapi::SaParams read_sa(Reader& r, const YAML::Node& n) {
    dpapi::SaParams sa;
    if (!r.map(n, "an SA", {"sa_id", "spi", "direction", "cipher", "integrity", "cipher_key", "salt", "integrity_key",
                            "tunnel", "esn", "replay_window", "natt", "policy_id", "selector", "lifetime"})) {
        return sa;
    }
    for (const char* required : {"sa_id", "spi", "direction", "cipher", "cipher_key", "tunnel"}) {
        if (!n[required]) r.fail(n, std::string("an SA needs '") + required + "'");
    }
    if (!r.ok()) return sa;
    if (auto v = r.number(n["sa_id"], "sa_id", UINT32_MAX)) sa.sa_id = static_cast<uint32_t>(*v);
    if (auto v = r.number(n["spi"], "spi", UINT32_MAX)) sa.spi = static_cast<uint32_t>(*v);
    if (auto v = r.choice<dpapi::Direction>(n["direction"], "direction",
                                            {{"inbound", dpapi::Direction::inbound}, {"outbound", dpapi::Direction::outbound}})) {
        sa.direction = *v;
    }
    if (auto v = r.choice<dpapi::CipherAlg>(n["cipher"], "cipher",
                                            {{"aes-gcm-128", dpapi::CipherAlg::aes_gcm_128},
                                             {"aes-gcm-256", dpapi::CipherAlg::aes_gcm_256},
                                             {"aes-cbc-128", dpapi::CipherAlg::aes_cbc_128},
                                             {"aes-cbc-256", dpapi::CipherAlg::aes_cbc_256}})) {
        sa.cipher = *v;
    }
    if (n["integrity"]) {
        if (auto v = r.choice<dpapi::AuthAlg>(n["integrity"], "integrity",
                                              {{"none", dpapi::AuthAlg::none},
                                               {"sha1-96", dpapi::AuthAlg::sha1_96},
                                               {"sha256-128", dpapi::AuthAlg::sha256_128},
                                               {"sha384-192", dpapi::AuthAlg::sha384_192},
                                               {"sha512-256", dpapi::AuthAlg::sha512_256}})) {
            sa.auth = *v;
        }
    }
    if (auto v = r.key_bytes(n["cipher_key"], "cipher_key", sa.cipher_key)) sa.cipher_key_len = *v;
    if (n["integrity_key"]) {
        if (auto v = r.key_bytes(n["integrity_key"], "integrity_key", sa.auth_key)) sa.auth_key_len = *v;
    }
    if (n["salt"]) {
        if (auto v = r.number(n["salt"], "salt", UINT32_MAX)) sa.salt = static_cast<uint32_t>(*v);
    }
    const YAML::Node& tunnel = n["tunnel"];
    if (r.map(tunnel, "tunnel", {"src", "dst"})) {
        if (!tunnel["src"] || !tunnel["dst"]) {
            r.fail(tunnel, "tunnel needs src and dst");
        } else {
            if (auto v = r.address(tunnel["src"], "tunnel src")) sa.tunnel_src = *v;
            if (auto v = r.address(tunnel["dst"], "tunnel dst")) sa.tunnel_dst = *v;
        }
    }
    if (n["esn"]) {
        if (auto v = r.boolean(n["esn"], "esn")) sa.esn = *v;
    }
    if (n["replay_window"]) {
        if (auto v = r.number(n["replay_window"], "replay_window", 4096)) sa.replay_window = static_cast<uint32_t>(*v);
    }
    if (const YAML::Node& natt = n["natt"]) {
        if (r.map(natt, "natt", {"src_port", "dst_port"})) {
            sa.natt = true;
            if (natt["src_port"]) {
                if (auto v = r.number(natt["src_port"], "natt src_port", 65535)) sa.natt_src_port = static_cast<uint16_t>(*v);
            }
            if (natt["dst_port"]) {
                if (auto v = r.number(natt["dst_port"], "natt dst_port", 65535)) sa.natt_dst_port = static_cast<uint16_t>(*v);
            }
        }
    }
    if (n["policy_id"]) {
        if (auto v = r.number(n["policy_id"], "policy_id", UINT32_MAX)) sa.policy_id = static_cast<uint32_t>(*v);
    }
    if (n["selector"]) read_selector(r, n["selector"], sa.selector);
    if (const YAML::Node& life = n["lifetime"]) {
        if (r.map(life, "lifetime", {"soft_bytes", "hard_bytes", "soft_packets", "hard_packets"})) {
            auto get = [&](const char* key, uint64_t& out) {
                if (life[key]) {
                    if (auto v = r.number(life[key], key, UINT64_MAX)) out = *v;
                }
            };
            get("soft_bytes", sa.lifetime.soft_bytes);
            get("hard_bytes", sa.lifetime.hard_bytes);
            get("soft_packets", sa.lifetime.soft_packets);
            get("hard_packets", sa.lifetime.hard_packets);
        }
    }
    return sa;
}

dpapi::PolicyRule read_rule(Reader& r, const YAML::Node& n, uint16_t port) {
    dpapi::PolicyRule rule;
    rule.port = port;
    rule.src = Ipv4Prefix();
    rule.dst = Ipv4Prefix();
    if (!r.map(n, "a rule", {"priority", "action", "policy_id", "protocol", "src", "dst", "src_ports", "dst_ports"})) {
        return rule;
    }
    for (const char* required : {"priority", "action"}) {
        if (!n[required]) r.fail(n, std::string("a rule needs '") + required + "'");
    }
    if (!r.ok()) return rule;
    if (auto v = r.number(n["priority"], "priority", UINT32_MAX)) rule.priority = static_cast<uint32_t>(*v);
    if (auto v = r.choice<dpapi::PolicyAction>(n["action"], "action",
                                               {{"protect", dpapi::PolicyAction::protect},
                                                {"bypass", dpapi::PolicyAction::bypass},
                                                {"discard", dpapi::PolicyAction::discard}})) {
        rule.action = *v;
    }
    if (rule.action == dpapi::PolicyAction::protect && !n["policy_id"]) r.fail(n, "a protect rule needs 'policy_id'");
    if (n["policy_id"]) {
        if (auto v = r.number(n["policy_id"], "policy_id", UINT32_MAX)) rule.policy_id = static_cast<uint32_t>(*v);
    }
    if (n["protocol"]) {
        if (auto v = r.protocol(n["protocol"], "protocol")) rule.protocol = *v;
    }
    if (n["src"]) {
        if (auto v = r.prefix(n["src"], "src")) rule.src = *v;
    }
    if (n["dst"]) {
        if (auto v = r.prefix(n["dst"], "dst")) rule.dst = *v;
    }
    if (n["src_ports"]) {
        if (auto v = r.ports(n["src_ports"], "src_ports")) rule.src_ports = *v;
    }
    if (n["dst_ports"]) {
        if (auto v = r.ports(n["dst_ports"], "dst_ports")) rule.dst_ports = *v;
    }
    return rule;
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Error(path + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

Result<std::vector<dpapi::SaParams>> parse_sa_yaml(const std::string& text, const std::string& file) {
    auto root = load(text, file);
    if (!root) return root.error();
    Reader r(file);
    auto list = item_list(r, *root, "sas");
    if (!list) return Error(r.error());
    std::vector<dpapi::SaParams> sas;
    std::vector<YAML::Node> nodes;
    for (const auto& item : *list) {
        sas.push_back(read_sa(r, item));
        nodes.push_back(item);
        if (!r.ok()) return Error(r.error());
    }
    if (sas.empty()) return Error(file + ": no SAs");
    // The dataplane's own value checks, reported at the item (sizes aside: the client splits).
    if (auto err = dpapi::verify(dpapi::Message{0, 0, dpapi::SaAdd{sas}})) {
        r.fail(err->item < nodes.size() ? nodes[err->item] : *list, err->text);
        return Error(r.error());
    }
    return sas;
}

Result<std::vector<dpapi::PolicyRule>> parse_policy_yaml(const std::string& text, uint16_t port, const std::string& file) {
    auto root = load(text, file);
    if (!root) return root.error();
    Reader r(file);
    auto list = item_list(r, *root, "rules");
    if (!list) return Error(r.error());
    std::vector<dpapi::PolicyRule> rules;
    std::vector<YAML::Node> nodes;
    for (const auto& item : *list) {
        rules.push_back(read_rule(r, item, port));
        nodes.push_back(item);
        if (!r.ok()) return Error(r.error());
    }
    for (size_t i = 0; i < rules.size(); ++i) {
        if (auto err = dpapi::verify_policy(rules[i])) {
            r.fail(nodes[i], err->text);
            return Error(r.error());
        }
    }
    return rules;
}

Result<std::vector<dpapi::SaParams>> load_sa_file(const std::string& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_sa_yaml(*text, path);
}

Result<std::vector<dpapi::PolicyRule>> load_policy_file(const std::string& path, uint16_t port) {
    auto text = read_file(path);
    if (!text) return text.error();
    return parse_policy_yaml(*text, port, path);
}

}  // namespace tandem::ctl
