// Where RRI routes go. Every consumer converges on the whole desired set it is handed
// (desired-state, idempotent): handing it the same set twice changes nothing the second time.
#pragma once

#include <functional>
#include <string_view>

#include "controlplane/rri/route_set.h"

namespace tandem::rri {

using LogFn = std::function<void(std::string_view line)>;

class Consumer {
public:
    virtual ~Consumer() = default;
    virtual const char* name() const = 0;
    virtual void converge(const RouteSet& set) = 0;
};

}  // namespace tandem::rri
