// tandem-control: IKE, RRI, HSRP and the BIRD client of a Tandem gateway (see control.h).
#include <syslog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "controlplane/daemon/control.h"

namespace {

constexpr const char* usage_text = R"(Usage: tandem-control -c CONFIG [OPTIONS]

The control plane of a Tandem IPsec VPN gateway. It loads CONFIG (YAML or IOS text), keeps the
security policy installed in tandem-dataplane over its API (reconnecting when the dataplane
restarts; forwarding never waits for it), and answers tandemctl on its control socket.

Options:
  -c, --config FILE            The configuration (required).
  --control-socket PATH        Where tandemctl connects (default: control.socket of CONFIG,
                               /run/tandem/control.sock).
  --dataplane-socket PATH      tandem-dataplane's API socket (default: dataplane.api_socket).
  --ike-ports PORT,PORT        UDP ports for IKE and NAT-T (default 500,4500; for tests).
  --stderr                     Log to standard error as well as syslog.
  -h, --help                   This text.

Signals: SIGHUP reloads the configuration (as `tandemctl reload`); SIGTERM and SIGINT stop.
)";

}  // namespace

int main(int argc, char** argv) {
    tandem::control::ControlOptions opts;
    bool to_stderr = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) {
                std::cerr << "tandem-control: option " << a << " needs a value\n";
                std::exit(2);
            }
            out = argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::cout << usage_text;
            return 0;
        } else if (a == "-c" || a == "--config") {
            value(opts.config_path);
        } else if (a == "--control-socket") {
            value(opts.control_socket);
        } else if (a == "--dataplane-socket") {
            value(opts.dataplane_socket);
        } else if (a == "--ike-ports") {
            std::string v;
            value(v);
            unsigned x = 0, y = 0;
            if (std::sscanf(v.c_str(), "%u,%u", &x, &y) != 2 || x == 0 || y == 0 || x > 65535 || y > 65535) {
                std::cerr << "tandem-control: --ike-ports takes two port numbers, e.g. 500,4500\n";
                return 2;
            }
            opts.ike_port = static_cast<uint16_t>(x);
            opts.natt_port = static_cast<uint16_t>(y);
        } else if (a == "--stderr") {
            to_stderr = true;
        } else {
            std::cerr << "tandem-control: unknown argument '" << a << "'\nTry 'tandem-control --help'.\n";
            return 2;
        }
    }
    if (opts.config_path.empty()) {
        std::cerr << "tandem-control: -c CONFIG is required\nTry 'tandem-control --help'.\n";
        return 2;
    }
    openlog("tandem-control", LOG_PID | (to_stderr ? LOG_PERROR : 0), LOG_DAEMON);

    tandem::loop::MonotonicClock clock;
    auto loop = tandem::loop::EventLoop::create(clock);
    if (!loop) {
        std::cerr << "tandem-control: " << loop.error().message << "\n";
        return 1;
    }
    auto control = tandem::control::Control::create(**loop, opts);
    if (!control) {
        std::cerr << "tandem-control: " << control.error().message << "\n";
        return 1;
    }
    auto sig = (*loop)->watch_signals({SIGTERM, SIGINT, SIGHUP}, [&](int s) {
        if (s == SIGHUP) {
            auto r = (*control)->reload();
            syslog(r ? LOG_INFO : LOG_ERR, "SIGHUP: %s", r ? r->c_str() : r.error().message.c_str());
            return;
        }
        syslog(LOG_INFO, "stopping on signal %d", s);
        (*loop)->stop();
    });
    if (!sig) {
        std::cerr << "tandem-control: " << sig.error().message << "\n";
        return 1;
    }
    syslog(LOG_INFO, "started with %s", opts.config_path.c_str());
    (*loop)->run();
    control->reset();
    closelog();
    return 0;
}
