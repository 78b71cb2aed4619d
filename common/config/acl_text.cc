#include "common/config/acl_text.h"

#include <vector>

namespace tandem::config {

namespace {

struct Token {
    std::string_view text;
    size_t offset;
};

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) out.push_back({s.substr(start, i - start), start});
    }
    return out;
}

class AceParser {
public:
    AceParser(std::string_view text, AceError& err) : text_(text), toks_(tokenize(text)), err_(err) {}

    bool parse(AclEntry& e) {
        if (toks_.empty()) return fail(0, "empty access-list entry; expected permit, deny or remark");
        std::string_view first = toks_[0].text;
        if (first == "remark") {
            e.is_remark = true;
            size_t start = toks_.size() > 1 ? toks_[1].offset : text_.size();
            e.remark = std::string(text_.substr(start));
            while (!e.remark.empty() && (e.remark.back() == ' ' || e.remark.back() == '\t')) e.remark.pop_back();
            return true;
        }
        if (first == "permit") {
            e.action = AclAction::permit;
        } else if (first == "deny") {
            e.action = AclAction::deny;
        } else {
            return fail(toks_[0].offset, "'" + std::string(first) + "': expected permit, deny or remark");
        }
        i_ = 1;
        if (!protocol(e.protocol)) return false;
        bool ports_allowed = e.protocol == 6 || e.protocol == 17;
        if (!address(e.source, "source")) return false;
        if (!ports(e.source_ports, ports_allowed, e.protocol == 17)) return false;
        if (!address(e.destination, "destination")) return false;
        if (!ports(e.destination_ports, ports_allowed, e.protocol == 17)) return false;
        if (i_ < toks_.size() && toks_[i_].text == "log") {
            e.log = true;
            ++i_;
        }
        if (i_ < toks_.size()) {
            std::string_view t = toks_[i_].text;
            std::string why = "unexpected '" + std::string(t) + "' at the end of the entry";
            if (t == "established" || t == "echo" || t == "echo-reply" || t == "fragments" ||
                t == "dscp" || t == "precedence" || t == "tos" || t == "time-range" || t == "log-input") {
                why = "'" + std::string(t) + "' is not supported in crypto access lists; IPsec "
                      "selectors match protocol, addresses and ports only";
            }
            return fail(toks_[i_].offset, why);
        }
        return true;
    }

    // One address match or one port match alone (the structured YAML form's fields).
    bool address_only(Ipv4Wildcard& w) { return address(w, "address") && nothing_left(); }
    bool ports_only(PortMatch& pm, bool udp) {
        if (at_end() || !is_port_op(toks_[0].text)) {
            return fail(0, "'" + std::string(text_) + "' is not a port match (expected eq P, neq P, lt P, gt P or range P1 P2)");
        }
        return ports(pm, true, udp) && nothing_left();
    }

private:
    static bool is_port_op(std::string_view t) {
        return t == "eq" || t == "neq" || t == "lt" || t == "gt" || t == "range";
    }
    bool nothing_left() {
        if (at_end()) return true;
        return fail(here(), "unexpected '" + std::string(toks_[i_].text) + "'");
    }
    bool fail(size_t offset, std::string msg) {
        err_.offset = offset;
        err_.message = std::move(msg);
        return false;
    }
    bool at_end() const { return i_ >= toks_.size(); }
    size_t here() const { return at_end() ? text_.size() : toks_[i_].offset; }

    bool protocol(uint8_t& proto) {
        if (at_end()) return fail(here(), "missing protocol (ip, tcp, udp, icmp or a number 0..255)");
        auto p = protocol_by_name(toks_[i_].text);
        if (!p) {
            return fail(here(), "'" + std::string(toks_[i_].text) +
                                    "' is not a protocol (ip, tcp, udp, icmp, esp, gre, ... or a number 0..255)");
        }
        proto = *p;
        ++i_;
        return true;
    }

    bool address(Ipv4Wildcard& w, const char* what) {
        if (at_end()) {
            return fail(here(), std::string("missing ") + what + " (any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/N)");
        }
        std::string_view t = toks_[i_].text;
        size_t at = here();
        if (t == "any") {
            w = Ipv4Wildcard::any();
            ++i_;
            return true;
        }
        if (t == "host") {
            ++i_;
            if (at_end()) return fail(here(), std::string("missing address after 'host' in ") + what);
            auto a = Ipv4Address::parse(toks_[i_].text);
            if (!a) return fail(here(), a.error().message);
            w = Ipv4Wildcard::host(*a);
            ++i_;
            return true;
        }
        if (t.find('/') != std::string_view::npos) {
            auto p = Ipv4Prefix::parse(t);
            if (!p) return fail(at, p.error().message);
            w = Ipv4Wildcard::from_prefix(*p);
            ++i_;
            return true;
        }
        auto a = Ipv4Address::parse(t);
        if (!a) {
            return fail(at, std::string("'") + std::string(t) + "' is not a " + what +
                                " (any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/N)");
        }
        ++i_;
        if (at_end() || !Ipv4Address::parse(toks_[i_].text)) {
            return fail(here(), std::string("missing wildcard mask after ") + what + " " + a->str() +
                                    " (for one address write 'host " + a->str() + "')");
        }
        auto m = parse_wildcard_mask(toks_[i_].text);
        if (!m) return fail(here(), m.error().message);
        if ((a->value() & m->value()) != 0) {
            Ipv4Wildcard canonical(*a, *m);
            return fail(at, std::string(what) + " " + a->str() + " has bits set under wildcard " +
                                m->str() + "; did you mean " + canonical.str() + "?");
        }
        w = Ipv4Wildcard(*a, *m);
        ++i_;
        return true;
    }

    bool port_value(uint16_t& out, bool udp) {
        if (at_end()) return fail(here(), "missing port number");
        auto p = port_by_name(toks_[i_].text, udp);
        if (!p) {
            return fail(here(), "'" + std::string(toks_[i_].text) + "' is not a port (0..65535 or a " +
                                    (udp ? "UDP" : "TCP") + " port name)");
        }
        out = *p;
        ++i_;
        return true;
    }

    bool ports(PortMatch& pm, bool allowed, bool udp) {
        if (at_end()) return true;
        std::string_view t = toks_[i_].text;
        PortMatch::Op op;
        if (t == "eq") op = PortMatch::Op::eq;
        else if (t == "neq") op = PortMatch::Op::neq;
        else if (t == "lt") op = PortMatch::Op::lt;
        else if (t == "gt") op = PortMatch::Op::gt;
        else if (t == "range") op = PortMatch::Op::range;
        else return true;
        if (!allowed) return fail(here(), "port match '" + std::string(t) + "' is only allowed with tcp or udp");
        ++i_;
        pm.op = op;
        if (!port_value(pm.lo, udp)) return false;
        if (op == PortMatch::Op::range) {
            size_t at = here();
            if (!port_value(pm.hi, udp)) return false;
            if (pm.hi < pm.lo) {
                return fail(at, "port range " + std::to_string(pm.lo) + " " + std::to_string(pm.hi) +
                                    " is empty (the first port must not exceed the second)");
            }
        }
        if (op == PortMatch::Op::lt && pm.lo == 0) return fail(here(), "'lt 0' matches no port");
        if (op == PortMatch::Op::gt && pm.lo == 65535) return fail(here(), "'gt 65535' matches no port");
        return true;
    }

    std::string_view text_;
    std::vector<Token> toks_;
    AceError& err_;
    size_t i_ = 0;
};

}  // namespace

bool parse_ace(std::string_view text, AclEntry& out, AceError& err) {
    AclEntry e;
    AceParser parser(text, err);
    if (!parser.parse(e)) return false;
    e.pos = out.pos;
    out = std::move(e);
    return true;
}

bool parse_address_match(std::string_view text, Ipv4Wildcard& out, AceError& err) {
    return AceParser(text, err).address_only(out);
}

bool parse_port_match(std::string_view text, bool udp, PortMatch& out, AceError& err) {
    return AceParser(text, err).ports_only(out, udp);
}

std::string format_ace(const AclEntry& e) {
    if (e.is_remark) return "remark " + e.remark;
    std::string s = e.action == AclAction::permit ? "permit " : "deny ";
    s += protocol_name(e.protocol);
    s += " " + e.source.str();
    if (!e.source_ports.is_any()) s += " " + e.source_ports.str();
    s += " " + e.destination.str();
    if (!e.destination_ports.is_any()) s += " " + e.destination_ports.str();
    if (e.log) s += " log";
    return s;
}

}  // namespace tandem::config
