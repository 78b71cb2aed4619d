// Crypto device owner: find or create the vdev, configure queue pairs, create the pools.
#include "dataplane/ipsec/crypto_device.h"

#include <rte_bus_vdev.h>
#include <rte_errno.h>

#include <string>
#include <utility>

namespace tandem::dp {

namespace {

std::string errno_text(int rc) { return std::string(rte_strerror(rc < 0 ? -rc : rc)); }

// The device called `name`: already there (EAL --vdev) or created now. Sets `created`.
Result<uint8_t> find_or_create(const std::string& name, bool& created) {
    created = false;
    int id = rte_cryptodev_get_dev_id(name.c_str());
    if (id >= 0) return static_cast<uint8_t>(id);
    int rc = rte_vdev_init(name.c_str(), nullptr);
    if (rc != 0) return Error("cannot create crypto vdev " + name + ": " + errno_text(rc));
    id = rte_cryptodev_get_dev_id(name.c_str());
    if (id < 0) {
        rte_vdev_uninit(name.c_str());
        return Error("crypto vdev " + name + " created but not registered as a cryptodev");
    }
    created = true;
    return static_cast<uint8_t>(id);
}

}  // namespace

Result<CryptoDevice> CryptoDevice::create(const CryptoDeviceConfig& cfg) {
    if (cfg.queue_pairs == 0) return Error("crypto device needs at least one queue pair");
    CryptoDevice dev;
    bool created = false;
    auto id = find_or_create(cfg.name, created);
    std::string used = cfg.name;
    if (!id && !cfg.fallback.empty()) {
        auto fb = find_or_create(cfg.fallback, created);
        if (!fb) return Error(id.error().message + "; fallback: " + fb.error().message);
        id = std::move(fb);
        used = cfg.fallback;
    }
    if (!id) return id.error();
    dev.dev_id_ = *id;
    dev.valid_ = true;
    dev.created_vdev_ = created;
    dev.name_ = used;

    rte_cryptodev_info info{};
    rte_cryptodev_info_get(dev.dev_id_, &info);
    dev.driver_ = info.driver_name != nullptr ? info.driver_name : "";
    if (info.max_nb_queue_pairs < cfg.queue_pairs) {
        return Error("crypto device " + used + " offers " + std::to_string(info.max_nb_queue_pairs) +
                     " queue pairs, " + std::to_string(cfg.queue_pairs) + " needed");
    }
    dev.cpu_crypto_ =
        cfg.allow_cpu_crypto && (info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO) != 0;

    const int socket = cfg.socket_id == SOCKET_ID_ANY ? rte_cryptodev_socket_id(dev.dev_id_)
                                                      : cfg.socket_id;
    const std::string tag = std::to_string(dev.dev_id_);
    const unsigned sess_size = rte_cryptodev_sym_get_private_session_size(dev.dev_id_);
    dev.session_pool_ = rte_cryptodev_sym_session_pool_create(
        ("tdm_cs_" + tag).c_str(), cfg.max_sessions, sess_size, 0, 0, socket);
    if (dev.session_pool_ == nullptr) {
        return Error("cannot create crypto session pool: " + errno_text(rte_errno));
    }
    if (cfg.op_pool_size != 0) {
        // Private area: the IV (rte_ipsec writes up to 16 bytes at kIvOffset).
        dev.op_pool_ = rte_crypto_op_pool_create(("tdm_cop_" + tag).c_str(),
                                                 RTE_CRYPTO_OP_TYPE_SYMMETRIC, cfg.op_pool_size,
                                                 64, 16, socket);
        if (dev.op_pool_ == nullptr) {
            return Error("cannot create crypto op pool: " + errno_text(rte_errno));
        }
    }

    rte_cryptodev_config conf{};
    conf.socket_id = socket;
    conf.nb_queue_pairs = cfg.queue_pairs;
    conf.ff_disable = RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO | RTE_CRYPTODEV_FF_SECURITY;
    int rc = rte_cryptodev_configure(dev.dev_id_, &conf);
    if (rc != 0) return Error("cannot configure crypto device " + used + ": " + errno_text(rc));
    rte_cryptodev_qp_conf qp{};
    qp.nb_descriptors = cfg.queue_depth;
    qp.mp_session = dev.session_pool_;
    for (uint16_t q = 0; q < cfg.queue_pairs; ++q) {
        rc = rte_cryptodev_queue_pair_setup(dev.dev_id_, q, &qp, socket);
        if (rc != 0) {
            return Error("cannot set up queue pair " + std::to_string(q) + " of " + used + ": " +
                         errno_text(rc));
        }
    }
    rc = rte_cryptodev_start(dev.dev_id_);
    if (rc != 0) return Error("cannot start crypto device " + used + ": " + errno_text(rc));
    dev.started_ = true;
    dev.queue_pairs_ = cfg.queue_pairs;
    return dev;
}

CryptoDevice::CryptoDevice(CryptoDevice&& o) noexcept { *this = std::move(o); }

CryptoDevice& CryptoDevice::operator=(CryptoDevice&& o) noexcept {
    if (this != &o) {
        release();
        dev_id_ = o.dev_id_;
        valid_ = std::exchange(o.valid_, false);
        started_ = std::exchange(o.started_, false);
        created_vdev_ = std::exchange(o.created_vdev_, false);
        cpu_crypto_ = o.cpu_crypto_;
        queue_pairs_ = o.queue_pairs_;
        name_ = std::move(o.name_);
        driver_ = std::move(o.driver_);
        session_pool_ = std::exchange(o.session_pool_, nullptr);
        op_pool_ = std::exchange(o.op_pool_, nullptr);
    }
    return *this;
}

CryptoDevice::~CryptoDevice() { release(); }

void CryptoDevice::release() {
    if (valid_) {
        if (started_) rte_cryptodev_stop(dev_id_);
        rte_cryptodev_close(dev_id_);
        if (created_vdev_) rte_vdev_uninit(name_.c_str());
    }
    rte_mempool_free(op_pool_);        // null-safe
    rte_mempool_free(session_pool_);
    op_pool_ = nullptr;
    session_pool_ = nullptr;
    valid_ = started_ = created_vdev_ = false;
}

}  // namespace tandem::dp
