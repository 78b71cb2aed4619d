// Result<T>: a value or an error, for code that must not throw (DPDK owners, parsers, the fast
// path's set-up). std::expected is C++23; this is the small subset Tandem needs. The error type is
// Error (a message) unless a caller needs more: the dataplane API codec uses Result<T, CodecError>.
//
//   Result<Ipv4Address> r = Ipv4Address::parse(text);
//   if (!r) return r.error();          // Error converts into any Result<U>
//   use(*r);
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tandem {

struct Error {
    std::string message;

    Error() = default;
    explicit Error(std::string m) : message(std::move(m)) {}
};

template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(E e) : v_(std::in_place_index<1>, std::move(e)) {}          // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { assert(!ok()); return std::get<1>(v_); }

    T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

private:
    std::variant<T, E> v_;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    Result(E e) : err_(std::move(e)), failed_(true) {}  // NOLINT

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const E& error() const { assert(failed_); return err_; }

private:
    E err_{};
    bool failed_ = false;
};

inline Result<void> ok_result() { return {}; }

}  // namespace tandem
