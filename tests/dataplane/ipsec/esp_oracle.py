#!/usr/bin/python3
"""Independent ESP oracle for Tandem's tests: scapy's SecurityAssociation (Debian python3-scapy +
python3-cryptography), run with /usr/bin/python3.

    esp_oracle.py decrypt CFG IN OUT   IN: outer packets (hex, one per line) produced by Tandem;
                                       OUT: the inner packet of each, or "ERR <reason>"
    esp_oracle.py encrypt CFG IN OUT   IN: inner packets; OUT: ESP tunnel packets for Tandem,
                                       sequence numbers cfg["seq"], cfg["seq"] + 1, ...
    esp_oracle.py batch JOBS OUT       JOBS: JSON list of {"cmd", "cfg", "packets": [hex]};
                                       OUT: lines "JOB INDEX RESULT" (one python start for a
                                       whole test run: importing scapy takes about a second)

CFG is JSON: spi, cipher ("AES-GCM" | "AES-CBC"), cipher_key (hex; for GCM without the salt),
salt (hex, GCM), auth ("SHA2-256-128", ... | null), auth_key (hex), esn (bool), seq (64-bit
start for encrypt), natt (bool), sport/dport (NAT-T), src/dst (outer addresses).

scapy 2.5 implements ESN for AEAD only: for ESP with HMAC it leaves the high 32 bits of the ESN out
of the ICV (RFC 4303 section 2.2.1 says they are appended for the computation). With CBC+HMAC+ESN
this oracle therefore computes and checks the ICV itself, with python3-cryptography, and lets scapy
do the encryption only. scapy 2.5 also writes 8 into the UDP length of NAT-T packets it encrypts;
the oracle corrects that field.
"""
import json
import struct
import sys

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, hmac
from scapy.layers.inet import IP, UDP
from scapy.layers.ipsec import ESP, SecurityAssociation

HASHES = {
    "HMAC-SHA1-96": (hashes.SHA1, 12),
    "SHA2-256-128": (hashes.SHA256, 16),
    "SHA2-384-192": (hashes.SHA384, 24),
    "SHA2-512-256": (hashes.SHA512, 32),
}


def make_sa(cfg, seq=1):
    key = bytes.fromhex(cfg["cipher_key"])
    if cfg["cipher"] == "AES-GCM":
        key += bytes.fromhex(cfg["salt"])
    kw = dict(crypt_algo=cfg["cipher"], crypt_key=key,
              tunnel_header=IP(src=cfg["src"], dst=cfg["dst"]),
              esn_en=bool(cfg["esn"]), esn=(seq >> 32))
    if cfg["cipher"] == "AES-GCM":
        kw["crypt_icv_size"] = 16
    if cfg.get("auth"):
        kw["auth_algo"] = cfg["auth"]
        kw["auth_key"] = bytes.fromhex(cfg["auth_key"])
    if cfg["natt"]:
        kw["nat_t_header"] = UDP(sport=cfg["sport"], dport=cfg["dport"])
    return SecurityAssociation(ESP, spi=cfg["spi"], seq_num=seq & 0xFFFFFFFF, **kw)


def hmac_esn_icv(cfg, esp_bytes, seq_hi):
    algo, size = HASHES[cfg["auth"]]
    mac = hmac.HMAC(bytes.fromhex(cfg["auth_key"]), algo(), backend=default_backend())
    mac.update(esp_bytes + struct.pack("!L", seq_hi))
    return mac.finalize()[:size]


def manual_icv(cfg):
    return cfg["cipher"] != "AES-GCM" and cfg["esn"]


def decrypt(cfg, raw, seq):
    seq_hi = seq >> 32
    pkt = IP(raw)
    check = IP(raw)
    del check.chksum
    if IP(bytes(check)).chksum != pkt.chksum:
        return "ERR outer checksum"
    if cfg["natt"]:
        if UDP not in pkt or pkt[UDP].dport != cfg["dport"] or pkt[UDP].sport != cfg["sport"]:
            return "ERR no UDP encapsulation"
        if pkt[UDP].chksum != 0:
            return "ERR UDP checksum not zero"
    if ESP not in pkt:
        return "ERR no ESP"
    if pkt[ESP].spi != cfg["spi"] or pkt[ESP].seq != seq & 0xFFFFFFFF:
        return "ERR SPI or sequence number %#x/%d" % (pkt[ESP].spi, pkt[ESP].seq)
    sa = make_sa(cfg, seq_hi << 32)
    verify = True
    if manual_icv(cfg):
        _, size = HASHES[cfg["auth"]]
        esp_raw = bytes(pkt[ESP])
        if hmac_esn_icv(cfg, esp_raw[:-size], seq_hi) != esp_raw[-size:]:
            return "ERR ICV (ESN, computed by the oracle)"
        verify = False
    try:
        inner = sa.decrypt(pkt, verify=verify, esn_en=bool(cfg["esn"]), esn=seq_hi)
    except Exception as e:  # noqa: BLE001 - report any failure to the test
        return "ERR " + type(e).__name__ + " " + str(e).replace("\n", " ")
    return bytes(inner).hex()


def encrypt(cfg, raw, seq):
    sa = make_sa(cfg, seq)
    out = sa.encrypt(IP(raw), seq_num=seq & 0xFFFFFFFF, esn_en=bool(cfg["esn"]), esn=seq >> 32)
    data = bytes(out)
    if cfg["natt"]:
        # scapy 2.5 serialises the UDP header before attaching ESP, so its length field says 8;
        # set it to what RFC 768 wants (the checksum is 0, RFC 3948 2.1, so nothing else changes).
        ihl = (data[0] & 0xF) * 4
        data = data[:ihl + 4] + struct.pack("!H", len(data) - ihl) + data[ihl + 6:]
    if manual_icv(cfg):
        _, size = HASHES[cfg["auth"]]
        p = IP(data)
        esp_raw = bytes(p[ESP])[:-size]
        icv = hmac_esn_icv(cfg, esp_raw, seq >> 32)
        data = data[:-size] + icv
    return data.hex()


def run(cmd, cfg, packets):
    seq = cfg.get("seq", 1)
    fn = decrypt if cmd == "decrypt" else encrypt
    return [fn(cfg, bytes.fromhex(p), seq + i) for i, p in enumerate(packets)]


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "batch":
        with open(sys.argv[2]) as f:
            jobs = json.load(f)
        with open(sys.argv[3], "w") as f:
            for n, j in enumerate(jobs):
                for i, r in enumerate(run(j["cmd"], j["cfg"], j["packets"])):
                    f.write("%d %d %s\n" % (n, i, r))
        return
    if len(sys.argv) != 5 or sys.argv[1] not in ("decrypt", "encrypt"):
        sys.exit(__doc__)
    cmd, cfg_path, in_path, out_path = sys.argv[1:]
    with open(cfg_path) as f:
        cfg = json.load(f)
    with open(in_path) as f:
        lines = [line.strip() for line in f if line.strip()]
    # Packets are numbered consecutively from cfg["seq"] (64-bit: with ESN that gives the high
    # half, which is not on the wire).
    out = run(cmd, cfg, lines)
    with open(out_path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
