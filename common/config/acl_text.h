// Access-list entries as IOS text, both ways:
//   permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS] [log]
//   remark TEXT
// where SOURCE/DESTINATION are `any`, `host A`, `A WILDCARD` or `A.B.C.D/N`, and PORTS (tcp and
// udp only) are `eq P`, `neq P`, `lt P`, `gt P` or `range P1 P2` with numbers or IOS port names.
//
// The YAML loader accepts entries in this form, and the IOS importer reads `access-list` lines
// and `ip access-list extended` bodies with it, so both report the same errors.
#pragma once

#include <string>
#include <string_view>

#include "common/config/model.h"

namespace tandem::config {

struct AceError {
    size_t offset = 0;  // byte offset in the text of the token at fault
    std::string message;
};

// Parses one entry. On failure returns false and fills `err`; `out` is then unspecified.
bool parse_ace(std::string_view text, AclEntry& out, AceError& err);

// The parts alone, with the same rules and messages: an address match (`any`, `host A`,
// `A WILDCARD`, `A/N`) and a port match (`eq P`, ..., `range P1 P2`).
bool parse_address_match(std::string_view text, Ipv4Wildcard& out, AceError& err);
bool parse_port_match(std::string_view text, bool udp, PortMatch& out, AceError& err);

// The canonical IOS text of an entry (prefix-form addresses are written as address + wildcard).
std::string format_ace(const AclEntry& e);

}  // namespace tandem::config
