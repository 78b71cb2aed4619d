#!/usr/bin/python3
"""Reference HSRP packets from implementations independent of Tandem, for oracle_test.cc.

Run with Debian's /usr/bin/python3 (scapy 2.5) and tshark on PATH:
    /usr/bin/python3 tests/data/hsrp/make_reference.py tests/data/hsrp

- Version 1 packets are built by scapy's own HSRP layer (scapy.layers.hsrp.HSRP) and the MD5
  TLV by its HSRPmd5 layer, then read back by scapy.
- scapy has no version 2 layer, so version 2 packets are packed here from the field list of
  Wireshark's HSRPv2 dissector and then checked by tshark: every expected field value must appear
  in `tshark -T json` and tshark must report nothing malformed.
- Every packet (v1 too) goes through tshark the same way, in an Ethernet/IPv4/UDP 1985 frame.
- md5_vectors.txt: MD5 digests of captured IOS packets (v1 and v2), from the test vectors of
  John the Ripper's `hsrp` format (src/plugins/hsrp_fmt_plug.c, openwall/john). Neither scapy nor
  tshark computes the digest; these captures are the only independent oracle for it.

Writes NAME.bin (the UDP payload) for each packet and reference.pcap with all of them.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

from scapy.all import Ether, IP, UDP, wrpcap, Raw
from scapy.layers.hsrp import HSRP, HSRPmd5

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def v1(name, expect, **fields):
    pkt = HSRP(**fields)
    data = bytes(pkt)
    back = HSRP(data)
    for k, v in fields.items():
        assert back.getfieldval(k) == v, (name, k, back.getfieldval(k), v)
    return name, data, expect


def v1_md5(name, expect, hsrp_fields, md5_fields):
    data = bytes(HSRP(**hsrp_fields)) + bytes(HSRPmd5(**md5_fields))
    back = HSRPmd5(data[20:])
    for k, v in md5_fields.items():
        assert back.getfieldval(k) == v, (name, k, back.getfieldval(k), v)
    return name, data, expect


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def v2_group_state(op, state, group, mac, prio, hello_ms, hold_ms, vip):
    value = struct.pack("!BBBBH6sIII16s", 2, op, state, 4, group, bytes.fromhex(mac.replace(":", "")),
                        prio, hello_ms, hold_ms, ip4(vip) + bytes(12))
    return bytes([1, len(value)]) + value


def v2_text(text):
    return bytes([3, 8]) + text.encode().ljust(8, b"\0")


def md5_tlv(sender, key_id, digest=bytes(16)):
    return bytes([4, 28, 1, 0, 0, 0]) + ip4(sender) + struct.pack("!I", key_id) + digest


def v2_ifstate(active, passive):
    return bytes([2, 4]) + struct.pack("!HH", active, passive)


PACKETS = [
    v1("v1_hello", {"hsrp.version": "0", "hsrp.opcode": "0", "hsrp.state": "16", "hsrp.hellotime": "3",
                    "hsrp.holdtime": "10", "hsrp.priority": "110", "hsrp.group": "1",
                    "hsrp.virt_ip": "192.168.0.3"},
       version=0, opcode=0, state=16, hellotime=3, holdtime=10, priority=110, group=1, reserved=0,
       auth=b"cisco\0\0\0", virtualIP="192.168.0.3"),
    v1("v1_coup", {"hsrp.opcode": "1", "hsrp.state": "4", "hsrp.priority": "120", "hsrp.group": "1"},
       version=0, opcode=1, state=4, hellotime=3, holdtime=10, priority=120, group=1, reserved=0,
       auth=b"cisco\0\0\0", virtualIP="192.168.0.3"),
    v1("v1_resign", {"hsrp.opcode": "2", "hsrp.state": "16", "hsrp.group": "200", "hsrp.virt_ip": "10.0.0.1"},
       version=0, opcode=2, state=16, hellotime=1, holdtime=4, priority=100, group=200, reserved=0,
       auth=b"s3cret\0\0", virtualIP="10.0.0.1"),
    v1_md5("v1_hello_md5", {"hsrp.state": "8", "hsrp.group": "1", "hsrp.md5_ip_address": "192.168.0.2",
                            "hsrp2.md5_algorithm": "1"},
           dict(version=0, opcode=0, state=8, hellotime=3, holdtime=10, priority=100, group=1, reserved=0,
                auth=b"\0" * 8, virtualIP="192.168.0.3"),
           dict(type=4, len=28, algo=1, padding=0, flags=0, sourceip="192.168.0.2", keyid=7,
                authdigest=b"\0" * 16)),
    ("v2_hello", v2_group_state(0, 6, 1, "00:50:56:01:02:03", 110, 3000, 10000, "192.168.0.3") + v2_text("cisco"),
     {"hsrp2.version": "2", "hsrp2.opcode": "0", "hsrp2.state": "6", "hsrp2.ipversion": "4", "hsrp2.group": "1",
      "hsrp2.identifier": "00:50:56:01:02:03", "hsrp2.priority": "110", "hsrp2.hellotime": "3000",
      "hsrp2.holdtime": "10000", "hsrp2.virt_ip": "192.168.0.3", "hsrp2.auth_data": "cisco"}),
    ("v2_coup_ms", v2_group_state(1, 4, 4095, "00:50:56:0a:0b:0c", 300, 200, 750, "10.1.2.3") + v2_text("cisco"),
     {"hsrp2.opcode": "1", "hsrp2.state": "4", "hsrp2.group": "4095", "hsrp2.priority": "300",
      "hsrp2.hellotime": "200", "hsrp2.holdtime": "750", "hsrp2.virt_ip": "10.1.2.3"}),
    ("v2_resign_md5", v2_group_state(2, 6, 10, "00:50:56:01:02:03", 100, 3000, 10000, "192.168.0.3") +
     md5_tlv("192.168.0.2", 1),
     {"hsrp2.opcode": "2", "hsrp2.group": "10", "hsrp2.md5_algorithm": "1", "hsrp.md5_ip_address": "192.168.0.2",
      "hsrp2.md5_key_id": "1"}),
    ("v2_hello_ifstate", v2_group_state(0, 5, 2, "00:50:56:01:02:03", 90, 1000, 3000, "192.168.0.4") +
     v2_ifstate(1, 2) + v2_text("cisco"),
     {"hsrp2.state": "5", "hsrp2.group": "2", "hsrp2.active_groups": "1", "hsrp2.passive_groups": "2"}),
]

# (UDP payload with the digest zeroed, digest, key): John the Ripper's hsrp format test vectors.
JTR_VECTORS = [
    ("000004030a64010000000000000000000a000064041c010000000a0000140000000000000000000000000000000000000000",
     "52e1db09d18d695b8fefb3730ff8d9d6", "password12345"),
    ("000004030a5a01000000000000000000ac102801041c01000000ac1028140000000000000000000000000000000000000000",
     "f15dfa631a0679e0801f8e6b0c0c17ac", "openwall"),
    ("000010030a64010000000000000000000a000064041c010000000a0000140000000000000000000000000000000000000000",
     "f02fc41b1b516e2d1261d8800d39ccea", "openwall12345"),
    ("0128020006040001aabbcc000a000000006400000bb8000027100a000064000000000000000000000000041c010000000a00000a"
     "0000000000000000000000000000000000000000", "642fedafe1f374bd2fdd8f1ba81d87a2", "password"),
    ("0128020006040001aabbcc001400000000c800000bb8000027100a000064000000000000000000000000041c010000000a000014"
     "0000000000000000000000000000000000000000", "0481257f0fe583b275f03a48e88de72f", "password12345"),
]


def frame(data, v2):
    dst = "224.0.0.102" if v2 else "224.0.0.2"
    return (Ether(src="00:50:56:01:02:03", dst="01:00:5e:00:00:66" if v2 else "01:00:5e:00:00:02") /
            IP(src="192.168.0.2", dst=dst, ttl=1) / UDP(sport=1985, dport=1985) / Raw(data))


def flatten(obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                if not isinstance(v, list) or any(isinstance(x, (dict, list)) for x in v):
                    flatten(v, out)
                out.setdefault(k, []).extend(v if isinstance(v, list) else [])
            else:
                out.setdefault(k, []).append(v)
    elif isinstance(obj, list):
        for x in obj:
            flatten(x, out)


def tshark_hsrp_layer(data, v2):
    with tempfile.NamedTemporaryFile(suffix=".pcap") as f:
        wrpcap(f.name, [frame(data, v2)])
        text = subprocess.run(["tshark", "-r", f.name, "-T", "json"], capture_output=True, text=True,
                              check=True).stdout
    # (The IP layer's expert note about TTL 1 towards 224.0.0.0/24 is IOS's own behaviour too.)
    assert "_ws.malformed" not in text, text
    return json.loads(text)[0]["_source"]["layers"]["hsrp"]


def check_with_tshark(name, data, expect):
    layer = tshark_hsrp_layer(data, name.startswith("v2"))
    assert "_ws.expert" not in json.dumps(layer), (name, "tshark flags the HSRP layer", layer)
    fields = {}
    flatten(layer, fields)
    for k, v in expect.items():
        got = [str(x).lower() for x in fields.get(k, [])]
        assert v.lower() in got, (name, k, v, got)


def main():
    frames = []
    for name, data, expect in PACKETS:
        check_with_tshark(name, data, expect)
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
        frames.append(frame(data, name.startswith("v2")))
    # The captured IOS packets dissect too (layout oracle for the MD5 TLV in both versions).
    for hexdata, digest, _ in JTR_VECTORS:
        data = bytes.fromhex(hexdata)
        v2 = data[0] == 1
        if not v2:
            assert HSRPmd5(data[20:]).sourceip in ("10.0.0.20", "172.16.40.20"), hexdata
        check_with_tshark("v2" if v2 else "v1", data[:-16] + bytes.fromhex(digest),
                          {"hsrp2.md5_algorithm": "1"})
    with open(os.path.join(OUT, "md5_vectors.txt"), "w") as f:
        f.write("# payload-with-zero-digest digest key  (John the Ripper hsrp format tests; IOS captures)\n")
        for hexdata, digest, key in JTR_VECTORS:
            f.write(f"{hexdata} {digest} {key}\n")
    wrpcap(os.path.join(OUT, "reference.pcap"), frames)
    print(f"wrote {len(PACKETS)} packets and {len(JTR_VECTORS)} MD5 vectors to {OUT}; tshark agrees")


if __name__ == "__main__":
    main()
