// Diagnostics: what configuration loading, import and validation say about their input.
//
// Loading never stops at the first problem: every error and warning is collected, each with the
// position it concerns, the field's path (interfaces[0].standby[1].priority) and a message that
// says what is wrong and, where it can, what would be right.
//
//   configs/lab.yaml:12:17: error: interfaces[0].standby[0].priority: 300 is out of range (0..255)
#pragma once

#include <string>
#include <vector>

#include "common/config/model.h"

namespace tandem::config {

enum class Severity : uint8_t { error, warning };

struct Diagnostic {
    Severity severity = Severity::error;
    SourcePos pos;
    std::string field;    // path of the field, may be empty
    std::string message;

    std::string str() const;
};

class Diagnostics {
public:
    void error(SourcePos pos, std::string field, std::string message) {
        items_.push_back({Severity::error, std::move(pos), std::move(field), std::move(message)});
    }
    void warning(SourcePos pos, std::string field, std::string message) {
        items_.push_back({Severity::warning, std::move(pos), std::move(field), std::move(message)});
    }
    void append(const Diagnostics& other) {
        items_.insert(items_.end(), other.items_.begin(), other.items_.end());
    }

    const std::vector<Diagnostic>& items() const { return items_; }
    bool has_errors() const;
    size_t error_count() const;
    size_t warning_count() const;
    // Sorted by file, line, column (stable for equal positions), one per line.
    std::string str() const;

private:
    std::vector<Diagnostic> items_;
};

// "did you mean" support: the candidate closest to `word` by edit distance, if it is close enough
// to be a plausible typo (distance <= max(1, len/3)).
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace tandem::config
