// The small YAML files `tandemctl dp add sa` and `tandemctl dp set policies` read: SAs and policy
// rules as the dataplane API carries them (common/dpapi/types.h), written by hand for tests and
// debugging. Errors name the place: "FILE:LINE:COL: message".
//
// SA file (a list under `sas:`, or a bare list):
//
//   sas:
//     - sa_id: 1                   # < max SAs of the dataplane
//       spi: 0x1001                # decimal or 0x hex, >= 256
//       direction: inbound         # inbound | outbound
//       cipher: aes-gcm-128        # aes-gcm-128 | aes-gcm-256 | aes-cbc-128 | aes-cbc-256
//       integrity: none            # none (GCM) | sha1-96 | sha256-128 | sha384-192 | sha512-256
//       cipher_key: 00112233445566778899aabbccddeeff    # hex (":" allowed between bytes)
//       salt: 0x01020304           # GCM: the 4 salt bytes of KEYMAT (default 0)
//       integrity_key: ...         # hex, with CBC
//       tunnel: {src: 192.0.2.10, dst: 192.0.2.2}
//       esn: false                 # default false
//       replay_window: 64          # inbound; 0 = off, 32..4096 (default 64)
//       natt: {src_port: 4500, dst_port: 4500}           # optional: UDP encapsulation
//       policy_id: 7               # outbound: the PROTECT rule it serves (default 0)
//       selector:                  # optional; default everything
//         src: 10.2.1.0/24         # prefix, address, range A-B, or any
//         dst: 10.1.0.0/24
//         protocol: any            # any, a name (tcp, udp, icmp, ...) or a number
//         src_ports: any           # any, N, or N-M
//         dst_ports: any
//       lifetime: {soft_bytes: 0, hard_bytes: 0, soft_packets: 0, hard_packets: 0}   # 0 = none
//
// Policy file (the whole rule set of one port; the port comes from the command line):
//
//   rules:
//     - priority: 10               # smaller first; ties keep file order
//       action: protect            # protect | bypass | discard
//       policy_id: 7
//       protocol: udp              # default any
//       src: 10.1.0.0/24           # prefix or address (default 0.0.0.0/0)
//       dst: 10.2.1.0/24
//       src_ports: any             # any, N, or N-M
//       dst_ports: 500-4500
//
// Unknown keys are errors (a typo must not silently mean "default"). Values are then checked by
// dpapi::verify_sa / verify_policy, whose complaints are reported at the item's line.
#pragma once

#include <string>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"

namespace tandem::ctl {

Result<std::vector<dpapi::SaParams>> parse_sa_yaml(const std::string& text, const std::string& file_name);
Result<std::vector<dpapi::PolicyRule>> parse_policy_yaml(const std::string& text, uint16_t port,
                                                         const std::string& file_name);

// The same, reading the file.
Result<std::vector<dpapi::SaParams>> load_sa_file(const std::string& path);
Result<std::vector<dpapi::PolicyRule>> load_policy_file(const std::string& path, uint16_t port);

}  // namespace tandem::ctl
