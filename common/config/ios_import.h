// Cisco IOS running-configuration text -> the configuration model.
//
// import_ios() reads the crypto, interface/HSRP, access-list and static-route commands of an IOS
// `show running-config` (or a fragment of one) into a Config, recording where every object and
// field came from. It checks each command on its own (syntax, ranges, algorithms Tandem offers)
// but does not cross-check commands against each other: that is validate()'s job.
//
// What it says about the text:
//   errors    malformed lines of commands it understands, pointing at the bad token
//             (`set peer 10.1.1` -> 1:13: '10.1.1' is not an IPv4 address), and settings Tandem
//             refuses (3DES, transport mode, standard ACLs as crypto ACLs);
//   warnings  lines it does not import (`ip nat inside`, `router ospf 1` and its body), and
//             IOS features that are mapped approximately (an ISAKMP policy becomes an IKEv2
//             proposal). Nothing is dropped silently except pure bookkeeping lines (`version`,
//             `end`, `service ...`, `Building configuration...`, `description`).
//
// Layout is read the way IOS reads it: a sub-mode (crypto map entry, interface, named ACL,
// transform set, ISAKMP policy, IKEv2 proposal/keyring/profile) collects the lines indented under
// it, whatever the depth; an unindented line that is not a global command but belongs to the open
// sub-mode still goes to it (IOS's parser falls back the same way), so a pasted
//   interface FastEthernet 0/0
//   crypto map mymap
// binds the map to the interface. Keywords are case-insensitive; interface names are normalised
// (`Interface FastEthernet 0/0` -> FastEthernet0/0).
#pragma once

#include <string>
#include <string_view>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config {

struct IosImportResult {
    Config config;
    Diagnostics diags;
};

// `file_name` is used in diagnostics' positions only.
IosImportResult import_ios(std::string_view text, const std::string& file_name);

// Canonical spelling of an IOS interface name: the type's usual capitalisation, common
// abbreviations expanded, no space before the number ("fa 0/0", "FastEthernet 0/0" ->
// "FastEthernet0/0"). Names of unknown types are kept as written, minus the space.
std::string normalise_interface_name(std::string_view type, std::string_view number = {});

}  // namespace tandem::config
