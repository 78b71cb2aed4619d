// The configuration model -> Cisco IOS `show running-config`-style text.
//
// Everything with an IOS form is rendered as IOS commands, in IOS's order (hostname, IKE, IPsec
// globals, transform sets, dynamic maps, crypto maps, interfaces, routes, access lists), blocks
// separated by `!` lines. IKE proposals are always written as `crypto ikev2 proposal` (also those
// imported from `crypto isakmp policy`), keys as one `crypto ikev2 keyring`, the IKE SA lifetime
// as the `lifetime` of a `crypto ikev2 profile tandem`.
//
// Settings without an IOS form (interface ports and roles, reverse-route follow_sa and metric, an
// entry's ike_proposal, the global PFS group, and the dataplane, BIRD and control settings) are
// written as a trailing comment block of `! tandem ...` lines when they differ from their
// defaults; the importer ignores comments, so they are for people only.
//
// import_ios(render_ios(c)).config == c for every c that import_ios produces.
#pragma once

#include <string>

#include "common/config/model.h"

namespace tandem::config {

std::string render_ios(const Config& cfg);

}  // namespace tandem::config
