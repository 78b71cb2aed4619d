// Byte buffers for the IKE crypto module, and SecretBytes: the one owner of key material.
//
// Key material (private keys, g^ir, SKEYSEED, SK_*, KEYMAT, the PSK) lives only in SecretBytes:
// a fixed-size heap buffer that is move-only, is wiped with OPENSSL_cleanse when destroyed or
// overwritten, and cannot be streamed (operator<< is deleted) so that it never reaches a log.
// Copies are explicit (clone()). The size is fixed at construction, so the buffer is never
// reallocated and no stale copy is left behind in freed memory.
//
// Public bytes (nonces, public values, messages) are plain Bytes; spans are ByteView.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <utility>
#include <vector>

namespace tandem::ike::crypto {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class SecretBytes {
public:
    SecretBytes() = default;
    // n zero bytes.
    explicit SecretBytes(size_t n) : data_(n ? new uint8_t[n]() : nullptr), size_(n) {}
    static SecretBytes copy_of(ByteView bytes);

    SecretBytes(SecretBytes&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    SecretBytes& operator=(SecretBytes&& other) noexcept {
        if (this != &other) {
            wipe();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes() { wipe(); }

    SecretBytes clone() const { return copy_of(view()); }
    // Bytes [offset, offset + length); the caller keeps within size().
    SecretBytes slice(size_t offset, size_t length) const;

    uint8_t* data() { return data_; }
    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::span<uint8_t> span() { return {data_, size_}; }
    ByteView view() const { return {data_, size_}; }
    operator ByteView() const { return view(); }  // NOLINT: read access is the common use

    // Constant-time comparison (CRYPTO_memcmp); different sizes compare unequal.
    bool equals(ByteView other) const;

    friend std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;

private:
    void wipe() noexcept;

    uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

// Constant-time equality of two byte strings of equal length (false when lengths differ).
bool constant_time_equal(ByteView a, ByteView b);

}  // namespace tandem::ike::crypto
