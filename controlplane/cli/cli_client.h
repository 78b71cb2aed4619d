// tandemctl's side of the tandem-control socket (protocol in cli_server.h): send one command line,
// read the framed answer. Blocking, with a timeout, so a stuck daemon makes tandemctl fail rather
// than hang.
#pragma once

#include <string>

#include "common/result.h"

namespace tandem::cli {

struct Answer {
    bool ok = false;
    std::string text;  // the output, or the error text ("% ...")
};

Result<Answer> run_remote(const std::string& socket_path, const std::string& line, int timeout_ms = 10000);

}  // namespace tandem::cli
