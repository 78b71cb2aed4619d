// Reclaimer: frees what the workers may still be reading, one RCU grace period later.
//
// The main lcore replaces a table object (an SPD, an SA, the local address set) by publishing a
// new pointer with release semantics, then retires the old object here. Workers report a
// quiescent state once per loop (rte_rcu_qsbr_quiescent); an object retired at token T is destroyed
// once rte_rcu_qsbr_check(T) says every worker has passed a quiescent state since — never by
// waiting: poll() runs from the main loop and frees what is due.
#pragma once

#include <rte_rcu_qsbr.h>

#include <deque>
#include <memory>
#include <utility>

namespace tandem::dp {

class Reclaimer {
public:
    explicit Reclaimer(rte_rcu_qsbr* rcu) : rcu_(rcu) {}

    template <typename T>
    void retire(std::unique_ptr<T> obj) {
        if (!obj) return;
        if (!rcu_) return;  // no readers: destroyed here
        due_.push_back({rte_rcu_qsbr_start(rcu_), std::make_unique<Holder<T>>(std::move(obj))});
    }

    // Destroys everything whose grace period has ended. Returns how many are still waiting.
    size_t poll() {
        while (!due_.empty() && rte_rcu_qsbr_check(rcu_, due_.front().token, false) == 1) due_.pop_front();
        return due_.size();
    }

    // Waits for every grace period (shutdown, tests).
    void drain() {
        while (!due_.empty()) {
            rte_rcu_qsbr_check(rcu_, due_.front().token, true);
            due_.pop_front();
        }
    }

    size_t pending() const { return due_.size(); }

private:
    struct Retired {
        virtual ~Retired() = default;
    };
    template <typename T>
    struct Holder : Retired {
        explicit Holder(std::unique_ptr<T> p) : obj(std::move(p)) {}
        std::unique_ptr<T> obj;
    };
    struct Entry {
        uint64_t token;
        std::unique_ptr<Retired> obj;
    };

    rte_rcu_qsbr* rcu_;
    std::deque<Entry> due_;
};

}  // namespace tandem::dp
