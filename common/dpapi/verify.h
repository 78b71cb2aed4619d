// Semantic checks of the API's objects and messages, separate from parsing (codec.h): a value that
// parsed is checked here for what it means. Used by the decoder (nothing unchecked reaches the
// dataplane), by the encoder (nothing invalid leaves a client) and directly by clients that want
// to check a single object.
//
// Static checks only: what can be decided from the message alone. What depends on the
// dataplane's state or configuration (the port exists, the id is below max_sas, the SA is not
// already installed) is the dataplane's to check -- check_limits() covers the configured limits a
// HELLO_INFO announces, for the server and for clients.
#pragma once

#include <cstdint>
#include <optional>

#include "common/dpapi/codec.h"
#include "common/dpapi/messages.h"

namespace tandem::dpapi {

// One object. The error's item is kNoItem; the list checks fill it in.
std::optional<CodecError> verify_sa(const SaParams& sa);
std::optional<CodecError> verify_policy(const PolicyRule& rule);
std::optional<CodecError> verify_route(const Route& route);
std::optional<CodecError> verify_vaddr(const VirtualAddress& vaddr);
std::optional<CodecError> verify_prefix(const Ipv4Prefix& prefix);
std::optional<CodecError> verify_selector(const TrafficSelector& ts);

// A whole message: every item, plus the per-message rules (no duplicate keys in one request,
// POLICY_SET rules on its port, kFlagMore only on POLICY_SET, HELLO range, subscription bits).
// The first item failing its own checks is reported; else the first duplicate.
std::optional<CodecError> verify(const Message& m);

// The dataplane's configured limits, as HELLO_INFO announces them.
struct Limits {
    uint16_t port_count = 0;
    uint32_t max_sas = 0;
    uint32_t max_policies = 0;
};
Limits limits_of(const HelloInfo& info);

// sa_id < max_sas, policy_id < max_policies, port < port_count for every item of a request
// (unknown_port / id_out_of_range with the item's index). Messages without such fields pass.
std::optional<CodecError> check_limits(const Message& m, const Limits& limits);

}  // namespace tandem::dpapi
