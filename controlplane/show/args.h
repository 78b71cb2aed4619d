// The optional filter words of the show commands, read the way IOS reads them.
//
// A filter is `KEYWORD VALUE` (`interface FastEthernet0/0`, `tag mymap`) or nothing. The keyword
// may be abbreviated to any prefix that picks one of the command's keywords (`int`, `t`), in any
// case, as on a router. An interface may be named as IOS allows: in full, in any case, with its
// type abbreviated (`fa0/0`, `Fast 0/0`), and with a space between type and number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/config/model.h"
#include "common/result.h"

namespace tandem::show {

struct Filter {
    enum class Kind : uint8_t { all, interface, tag };
    Kind kind = Kind::all;
    std::string value;  // the interface as typed, or the tag
};

// Whether `typed` abbreviates the keyword `word` (lower case): a non-empty prefix, in any case.
bool abbreviates(std::string_view typed, std::string_view word);

// `command` names the command in messages ("show crypto map"); `allow_interface` adds
// `interface IF` to `tag NAME`.
Result<Filter> parse_filter(const std::vector<std::string>& args, std::string_view command, bool allow_interface);

// The configured interface `typed` names, or an error naming the candidates.
Result<const config::Interface*> find_interface(const config::Config& cfg, std::string_view typed);

}  // namespace tandem::show
