// The Linux name of the kernel interface (TAP) tandem-dataplane makes for a configured interface,
// which tandem-control also needs (BIRD routes `via "IFNAME"`): "tdm-" + the name, lower case,
// characters Linux does not take ('/', ' ', ':', unprintable) replaced by '-', cut to 15
// characters (IFNAMSIZ - 1).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace tandem {

inline std::string kernel_ifname(std::string_view interface_name) {
    constexpr size_t kMax = 15;
    std::string out = "tdm-";
    for (char c : interface_name) {
        if (out.size() == kMax) break;
        const auto u = static_cast<unsigned char>(c);
        out += (c == '/' || c == ' ' || c == ':' || !std::isprint(u)) ? '-' : static_cast<char>(std::tolower(u));
    }
    return out;
}

}  // namespace tandem
