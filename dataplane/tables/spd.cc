// rte_acl set-up for the SPD: field layout, rule conversion and priority mapping (see spd.h).
#include "dataplane/tables/spd.h"

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_errno.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <numeric>
#include <utility>

namespace tandem::dp {

namespace {

enum SpdField : uint8_t { f_proto, f_src, f_dst, f_sport, f_dport, f_count };

RTE_ACL_RULE_DEF(SpdAclRule, f_count);

rte_acl_config acl_config(size_t max_memory) {
    rte_acl_config cfg{};
    cfg.num_categories = 1;
    cfg.num_fields = f_count;
    cfg.max_size = max_memory;
    cfg.defs[f_proto] = {RTE_ACL_FIELD_TYPE_BITMASK, sizeof(uint8_t), f_proto, 0,
                         offsetof(SpdKey, protocol)};
    cfg.defs[f_src] = {RTE_ACL_FIELD_TYPE_MASK, sizeof(uint32_t), f_src, 1, offsetof(SpdKey, src_be)};
    cfg.defs[f_dst] = {RTE_ACL_FIELD_TYPE_MASK, sizeof(uint32_t), f_dst, 2, offsetof(SpdKey, dst_be)};
    cfg.defs[f_sport] = {RTE_ACL_FIELD_TYPE_RANGE, sizeof(uint16_t), f_sport, 3,
                         offsetof(SpdKey, src_port_be)};
    cfg.defs[f_dport] = {RTE_ACL_FIELD_TYPE_RANGE, sizeof(uint16_t), f_dport, 3,
                         offsetof(SpdKey, dst_port_be)};
    return cfg;
}

SpdAclRule to_acl_rule(const dpapi::PolicyRule& r, uint32_t position) {
    SpdAclRule a{};
    a.data.category_mask = 1;
    a.data.priority = static_cast<int32_t>(RTE_ACL_MAX_PRIORITY - position);
    a.data.userdata = position + 1;
    a.field[f_proto].value.u8 = r.protocol;
    a.field[f_proto].mask_range.u8 = r.protocol == 0 ? 0 : 0xff;
    a.field[f_src].value.u32 = r.src.address().value();
    a.field[f_src].mask_range.u32 = r.src.length();
    a.field[f_dst].value.u32 = r.dst.address().value();
    a.field[f_dst].mask_range.u32 = r.dst.length();
    a.field[f_sport].value.u16 = r.src_ports.lo;
    a.field[f_sport].mask_range.u16 = r.src_ports.hi;
    a.field[f_dport].value.u16 = r.dst_ports.lo;
    a.field[f_dport].mask_range.u16 = r.dst_ports.hi;
    return a;
}

}  // namespace

SpdKey make_spd_key(uint8_t protocol, Ipv4Address src, Ipv4Address dst, uint16_t src_port,
                    uint16_t dst_port) {
    SpdKey k{};
    k.protocol = protocol;
    k.src_be = rte_cpu_to_be_32(src.value());
    k.dst_be = rte_cpu_to_be_32(dst.value());
    k.src_port_be = rte_cpu_to_be_16(src_port);
    k.dst_port_be = rte_cpu_to_be_16(dst_port);
    return k;
}

Result<Spd> Spd::create(uint16_t port, std::span<const dpapi::PolicyRule> rules, size_t max_memory) {
    Spd spd;
    spd.port_ = port;
    for (const auto& r : rules) {
        if (r.port != port) continue;
        // Prefixes with host bits or inverted ranges cannot be expressed as rte_acl fields
        // faithfully: reject them rather than classify differently from the reference.
        if ((r.src.address().value() & ~r.src.mask()) != 0 || (r.dst.address().value() & ~r.dst.mask()) != 0) {
            return Error("SPD rule " + std::to_string(r.policy_id) + ": prefix has host bits set");
        }
        if (r.src.length() > 32 || r.dst.length() > 32) return Error("SPD rule: prefix length > 32");
        if (r.src_ports.lo > r.src_ports.hi || r.dst_ports.lo > r.dst_ports.hi) {
            return Error("SPD rule " + std::to_string(r.policy_id) + ": empty port range");
        }
        spd.rules_.push_back(r);
    }
    if (spd.rules_.size() >= RTE_ACL_MAX_INDEX) return Error("SPD: too many rules");
    std::stable_sort(spd.rules_.begin(), spd.rules_.end(),
                     [](const dpapi::PolicyRule& a, const dpapi::PolicyRule& b) { return a.priority < b.priority; });

    spd.verdicts_.reserve(spd.rules_.size() + 1);
    spd.verdicts_.push_back(SpdVerdict{});
    for (uint32_t i = 0; i < spd.rules_.size(); ++i) {
        spd.verdicts_.push_back(SpdVerdict{spd.rules_[i].action, spd.rules_[i].policy_id, i + 1});
    }
    if (spd.rules_.empty()) return spd;  // rte_acl cannot build an empty context: BYPASS all

    // rte_acl names must be unique among live contexts; the verdict table's heap address is (and
    // it stays with the Spd when moved).
    char name[RTE_ACL_NAMESIZE];
    std::snprintf(name, sizeof(name), "spd%" PRIxPTR, reinterpret_cast<uintptr_t>(spd.verdicts_.data()));
    rte_acl_param param{};
    param.name = name;
    param.socket_id = SOCKET_ID_ANY;
    param.rule_size = RTE_ACL_RULE_SZ(f_count);
    param.max_rule_num = static_cast<uint32_t>(spd.rules_.size());
    spd.ctx_ = rte_acl_create(&param);
    if (!spd.ctx_) return Error(std::string("rte_acl_create: ") + rte_strerror(rte_errno));

    std::vector<SpdAclRule> acl_rules;
    acl_rules.reserve(spd.rules_.size());
    for (uint32_t i = 0; i < spd.rules_.size(); ++i) acl_rules.push_back(to_acl_rule(spd.rules_[i], i));
    int rc = rte_acl_add_rules(spd.ctx_, reinterpret_cast<const rte_acl_rule*>(acl_rules.data()),
                               static_cast<uint32_t>(acl_rules.size()));
    if (rc != 0) return Error(std::string("rte_acl_add_rules: ") + rte_strerror(-rc));
    rte_acl_config cfg = acl_config(max_memory);
    rc = rte_acl_build(spd.ctx_, &cfg);
    if (rc != 0) return Error(std::string("rte_acl_build: ") + rte_strerror(-rc));
    return spd;
}

Spd::Spd(Spd&& o) noexcept
    : ctx_(std::exchange(o.ctx_, nullptr)),
      verdicts_(std::move(o.verdicts_)),
      rules_(std::move(o.rules_)),
      port_(o.port_) {}

Spd& Spd::operator=(Spd&& o) noexcept {
    if (this != &o) {
        rte_acl_free(ctx_);
        ctx_ = std::exchange(o.ctx_, nullptr);
        verdicts_ = std::move(o.verdicts_);
        rules_ = std::move(o.rules_);
        port_ = o.port_;
    }
    return *this;
}

Spd::~Spd() { rte_acl_free(ctx_); }

void Spd::classify_rules(std::span<const SpdKey> keys, uint32_t* rules_out) const {
    if (!ctx_) {
        std::fill_n(rules_out, keys.size(), 0u);
        return;
    }
    const uint8_t* data[kChunk];
    for (size_t done = 0; done < keys.size(); done += kChunk) {
        uint32_t n = static_cast<uint32_t>(std::min<size_t>(kChunk, keys.size() - done));
        for (uint32_t i = 0; i < n; ++i) data[i] = reinterpret_cast<const uint8_t*>(&keys[done + i]);
        rte_acl_classify(ctx_, data, rules_out + done, n, 1);
    }
}

void Spd::classify(std::span<const SpdKey> keys, SpdVerdict* out) const {
    uint32_t found[kChunk];
    for (size_t done = 0; done < keys.size(); done += kChunk) {
        size_t n = std::min<size_t>(kChunk, keys.size() - done);
        classify_rules(keys.subspan(done, n), found);
        for (size_t i = 0; i < n; ++i) out[done + i] = verdicts_[found[i]];
    }
}

SpdVerdict spd_linear_match(std::span<const dpapi::PolicyRule> rules, const SpdKey& key) {
    uint32_t src = rte_be_to_cpu_32(key.src_be);
    uint32_t dst = rte_be_to_cpu_32(key.dst_be);
    uint16_t sport = rte_be_to_cpu_16(key.src_port_be);
    uint16_t dport = rte_be_to_cpu_16(key.dst_port_be);
    for (uint32_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        if (r.protocol != 0 && r.protocol != key.protocol) continue;
        if (!r.src.contains(Ipv4Address(src)) || !r.dst.contains(Ipv4Address(dst))) continue;
        if (sport < r.src_ports.lo || sport > r.src_ports.hi) continue;
        if (dport < r.dst_ports.lo || dport > r.dst_ports.hi) continue;
        return SpdVerdict{r.action, r.policy_id, i + 1};
    }
    return SpdVerdict{};
}

}  // namespace tandem::dp
