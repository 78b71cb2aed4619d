// Names of parse/verify failures and their mapping to RFC 7296 error notifies.
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

const char* reason_name(ParseReason r) {
    switch (r) {
    case ParseReason::truncated: return "truncated";
    case ParseReason::bad_length: return "bad_length";
    case ParseReason::trailing_data: return "trailing_data";
    case ParseReason::bad_major_version: return "bad_major_version";
    case ParseReason::legacy_major_version: return "legacy_major_version";
    case ParseReason::unsupported_critical_payload: return "unsupported_critical_payload";
    case ParseReason::encrypted_not_last: return "encrypted_not_last";
    case ParseReason::unexpected_encrypted: return "unexpected_encrypted";
    case ParseReason::bad_substructure: return "bad_substructure";
    case ParseReason::bad_header: return "bad_header";
    case ParseReason::bad_nonce_length: return "bad_nonce_length";
    case ParseReason::bad_ke_data: return "bad_ke_data";
    case ParseReason::bad_proposal_number: return "bad_proposal_number";
    case ParseReason::bad_protocol: return "bad_protocol";
    case ParseReason::bad_spi_size: return "bad_spi_size";
    case ParseReason::bad_transform: return "bad_transform";
    case ParseReason::bad_attribute: return "bad_attribute";
    case ParseReason::bad_id: return "bad_id";
    case ParseReason::bad_auth: return "bad_auth";
    case ParseReason::bad_notify: return "bad_notify";
    case ParseReason::bad_delete: return "bad_delete";
    case ParseReason::bad_selector: return "bad_selector";
    case ParseReason::bad_fragment: return "bad_fragment";
    case ParseReason::count_: break;
    }
    return "unknown";
}

std::string ParseError::str() const {
    std::string s = reason_name(reason);
    s += " at offset " + std::to_string(offset);
    if (payload != PayloadType::none) s += " (payload " + std::to_string(to_underlying(payload)) + ")";
    return s;
}

std::optional<ErrorNotify> notify_for(const ParseError& e) {
    switch (e.reason) {
    case ParseReason::legacy_major_version:
        return std::nullopt;
    case ParseReason::bad_major_version:
        return ErrorNotify{NotifyType::invalid_major_version, {}};
    case ParseReason::unsupported_critical_payload:
        return ErrorNotify{NotifyType::unsupported_critical_payload, {to_underlying(e.payload)}};
    default:
        return ErrorNotify{NotifyType::invalid_syntax, {}};
    }
}

}  // namespace tandem::ike
