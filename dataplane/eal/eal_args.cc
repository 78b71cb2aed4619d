#include "dataplane/eal/eal_args.h"

#include <cctype>

namespace tandem::dp {

bool is_pci_address(std::string_view s) {
    // [DDDD:]BB:DD.F with hex digits.
    auto hex = [](std::string_view t) {
        if (t.empty()) return false;
        for (char c : t) {
            if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
        }
        return true;
    };
    size_t dot = s.rfind('.');
    if (dot == std::string_view::npos || dot + 2 != s.size() || !hex(s.substr(dot + 1))) return false;
    std::string_view head = s.substr(0, dot);
    size_t c2 = head.rfind(':');
    if (c2 == std::string_view::npos || c2 + 3 != head.size() || !hex(head.substr(c2 + 1))) return false;
    std::string_view rest = head.substr(0, c2);
    size_t c1 = rest.rfind(':');
    if (c1 == std::string_view::npos) return rest.size() == 2 && hex(rest);
    return rest.size() - c1 - 1 == 2 && hex(rest.substr(c1 + 1)) && c1 == 4 && hex(rest.substr(0, 4));
}

std::string device_name(std::string_view port) {
    if (is_pci_address(port)) return std::string(port);
    return std::string(port.substr(0, port.find(',')));
}

std::string crypto_vdev_name(config::CryptoDevice kind) {
    return kind == config::CryptoDevice::openssl ? "crypto_openssl0" : "crypto_aesni_mb0";
}

std::vector<std::string> build_eal_args(const config::Config& cfg, std::string_view program) {
    const auto& dp = cfg.dataplane;
    std::vector<std::string> a{std::string(program)};
    std::string lcores = std::to_string(dp.main_lcore);
    if (dp.workers.empty()) lcores += "," + std::to_string(dp.main_lcore + 1);
    for (uint32_t w : dp.workers) lcores += "," + std::to_string(w);
    if (dp.main_cpu) {
        // lcore ids stay as configured; only the main lcore's thread moves to another CPU (EAL's
        // --lcores "ID@CPU"; workers keep the CPU of their own number).
        std::string mapped = std::to_string(dp.main_lcore) + "@" + std::to_string(*dp.main_cpu);
        mapped += lcores.substr(lcores.find(','));
        a.insert(a.end(), {"--lcores", mapped});
    } else {
        a.insert(a.end(), {"-l", lcores});
    }
    a.insert(a.end(), {"--main-lcore", std::to_string(dp.main_lcore), "--file-prefix", dp.file_prefix});
    if (!dp.hugepages) {
        a.insert(a.end(), {"--no-huge", "-m", std::to_string(dp.memory_mb ? dp.memory_mb : 256)});
    } else if (dp.memory_mb) {
        a.insert(a.end(), {"-m", std::to_string(dp.memory_mb)});
    }
    bool any_pci = false;
    for (const auto& itf : cfg.interfaces) {
        if (!itf.port) continue;
        if (is_pci_address(*itf.port)) {
            a.insert(a.end(), {"-a", *itf.port});
            any_pci = true;
        }
    }
    if (!any_pci) a.push_back("--no-pci");
    // Each port needs a TX queue per worker plus one for the main lcore; net_af_packet has as
    // many queue pairs as its devargs say, so say it for the operator unless they did.
    size_t queues = (dp.workers.empty() ? 1 : dp.workers.size()) + 1;
    for (const auto& itf : cfg.interfaces) {
        if (!itf.port || is_pci_address(*itf.port)) continue;
        std::string devargs = *itf.port;
        if (devargs.rfind("net_af_packet", 0) == 0 && devargs.find("qpairs=") == std::string::npos) {
            devargs += ",qpairs=" + std::to_string(queues);
        }
        a.insert(a.end(), {"--vdev", devargs});
    }
    a.insert(a.end(), {"--vdev", crypto_vdev_name(dp.crypto)});
    a.insert(a.end(), dp.eal_args.begin(), dp.eal_args.end());
    return a;
}

}  // namespace tandem::dp
