#include "dataplane/pipeline/packet_meta.h"

#include <rte_errno.h>

namespace tandem::dp {

Result<int> register_packet_meta() {
    static const rte_mbuf_dynfield desc = {"tandem_packet_meta", sizeof(PacketMeta), alignof(PacketMeta), 0};
    int off = rte_mbuf_dynfield_register(&desc);
    if (off < 0) return Error(std::string("mbuf dynamic field: ") + rte_strerror(rte_errno));
    return off;
}

}  // namespace tandem::dp
