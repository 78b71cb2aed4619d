// `tandemctl dp ...`: talk to a running tandem-dataplane over its control API (dp_client.h), for
// tests and debugging until tandem-control exists. Queries print IOS-like text, or JSON with
// --json; changes print nothing on success and the dataplane's refusal (status, item, text) on
// failure. SA and policy files: dp_yaml.h.
#pragma once

#include <string>
#include <vector>

#include "controlplane/ctl/offline_commands.h"

namespace tandem::ctl {

struct DpOptions {
    std::string socket = "/run/tandem/dataplane.sock";
    long count = -1;            // events: stop after this many (-1: until interrupted)
    int timeout_ms = 5000;
};

// The usage lines of the dp commands, for tandemctl --help.
extern const char* const dp_usage_text;

// args: what follows "dp". Returns the exit status: 0 done, 1 refused or unreachable, 2 usage.
int cmd_dp(const std::vector<std::string>& args, const DpOptions& opts, Output& o);

}  // namespace tandem::ctl
