// Semantic validation of a loaded configuration.
//
// The loaders (YAML and IOS import) check syntax, types and the range of each single field; what
// they cannot see is meaning that spans objects: a crypto map naming an access list that does not
// exist, a standby address outside its interface's subnet, `redundancy` naming a group the
// interface does not have, an access list whose `any` would make reverse route injection install
// a default route. validate() checks those, collects every problem (never only the first), and
// points each at the field it concerns (pos_of(): the field's own position when the loader
// recorded it, else the object's) with a field path in YAML names:
//
//   interfaces[FastEthernet0/0].standby[1].ip
//   crypto_maps.mymap[seq 1].match_address
//   access_lists.101[2]
//
// Errors make the configuration unusable; warnings name things that work but are probably not
// what was meant (a crypto map applied to no interface, overlapping interface subnets).
#pragma once

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config {

// Appends every semantic error and warning about `cfg` to `diags`.
void validate(const Config& cfg, Diagnostics& diags);

}  // namespace tandem::config
