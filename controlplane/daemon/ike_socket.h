// tandem-control's IKE sockets: UDP 500 and 4500 on every local address (the kernel interfaces'
// addresses and HSRP virtual addresses alike), with IP_PKTINFO so each datagram's local address
// is known on receipt and chosen on send. The datagrams are the engine's business (it adds and
// strips the non-ESP marker on 4500); ESP-in-UDP never reaches these sockets: the dataplane takes
// it before the kernel sees it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "common/result.h"
#include "controlplane/ike/policy.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::control {

class IkeSockets {
public:
    using Receive = std::function<void(const ike::Endpoint& local, const ike::Endpoint& remote, std::span<const uint8_t>)>;

    // Binds 0.0.0.0:port for each of `ports` (500 and 4500 in production).
    static Result<std::unique_ptr<IkeSockets>> create(loop::EventLoop& loop, Receive on_receive,
                                                      uint16_t ike_port = ike::kIkePort, uint16_t natt_port = ike::kNattPort);
    ~IkeSockets();

    void send(const ike::Endpoint& local, const ike::Endpoint& remote, std::span<const uint8_t> bytes);
    uint64_t sent() const { return sent_; }
    uint64_t received() const { return received_; }
    uint64_t send_errors() const { return send_errors_; }

private:
    IkeSockets(loop::EventLoop& loop, Receive r) : loop_(loop), on_receive_(std::move(r)) {}
    void on_readable(int fd, uint16_t port);

    loop::EventLoop& loop_;
    Receive on_receive_;
    int fd_ike_ = -1;
    int fd_natt_ = -1;
    uint16_t ike_port_ = 0, natt_port_ = 0;
    uint64_t sent_ = 0, received_ = 0, send_errors_ = 0;
};

}  // namespace tandem::control
