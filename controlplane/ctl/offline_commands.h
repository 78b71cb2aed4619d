// tandemctl's offline commands: the ones that work on configuration files without a running
// gateway (check, compile, import from IOS, render as IOS).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tandem::ctl {

struct Output {
    std::ostream& out;
    std::ostream& err;
    bool json = false;
};

// Each returns the process exit status: 0 success, 1 the input has errors, 2 usage.
int cmd_config_check(const std::vector<std::string>& files, Output& o);
int cmd_config_compile(const std::string& file, Output& o);
int cmd_import_ios(const std::string& file, const std::string& out_file, Output& o);
int cmd_show_running_config(const std::string& file, Output& o);

}  // namespace tandem::ctl
