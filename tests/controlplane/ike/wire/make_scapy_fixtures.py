#!/usr/bin/python3
"""Builds IKEv2 messages with scapy's independent implementation (scapy.contrib.ikev2) and writes
them as hex fixtures for test_ike_wire (scapy_fixture_test.cc), plus binary copies as seeds for the
ike_message fuzz corpus.

    /usr/bin/python3 tests/controlplane/ike/wire/make_scapy_fixtures.py

Every value is fixed (no randomness), so re-running it reproduces the checked-in files byte for
byte. scapy_fixture_test.cc checks the field values set here; keep the two in step.
Notes on scapy 2.5's builders: transform/proposal "last substructure" markers and counts are set
explicitly (scapy leaves them to the caller), the SK payload's Next Payload (the first inner
payload), the IDi length and the SPI size of a proposal with an SPI are set by hand.
"""
import os
import sys

from scapy.contrib.ikev2 import (IKEv2, IKEv2_payload_SA, IKEv2_payload_Proposal,
                                 IKEv2_payload_Transform, IKEv2_payload_KE, IKEv2_payload_Nonce,
                                 IKEv2_payload_Notify, IKEv2_payload_VendorID,
                                 IKEv2_payload_Encrypted, IKEv2_payload_IDi, IKEv2_payload_IDr,
                                 IKEv2_payload_AUTH, IKEv2_payload_TSi, IKEv2_payload_TSr,
                                 IPv4TrafficSelector, IKEv2_payload_Delete, NON_ESP)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
DATA = os.path.join(ROOT, 'tests', 'data', 'ike')
CORPUS = os.path.join(ROOT, 'tests', 'fuzz', 'corpus', 'ike_message')

SPI_I = bytes.fromhex('0102030405060708')
SPI_R = bytes.fromhex('a1a2a3a4a5a6a7a8')


# Payload classes -> RFC 7296 payload type numbers, for linking chains.
TYPES = {IKEv2_payload_SA: 33, IKEv2_payload_KE: 34, IKEv2_payload_IDi: 35, IKEv2_payload_IDr: 36,
         IKEv2_payload_AUTH: 39, IKEv2_payload_Nonce: 40, IKEv2_payload_Notify: 41,
         IKEv2_payload_Delete: 42, IKEv2_payload_VendorID: 43, IKEv2_payload_TSi: 44,
         IKEv2_payload_TSr: 45, IKEv2_payload_Encrypted: 46}


def chain(*payloads, header=None):
    """Links payloads through their Next Payload fields (scapy 2.5 does not fill them in a
    chain) and stacks them, behind `header` if given. An SK payload keeps the Next Payload it was
    given (its first inner payload)."""
    for i, p in enumerate(payloads):
        if isinstance(p, IKEv2_payload_Encrypted):
            continue
        p.next_payload = TYPES[type(payloads[i + 1])] if i + 1 < len(payloads) else 0
    pkt = payloads[0]
    for p in payloads[1:]:
        pkt = pkt / p
    if header is not None:
        header.next_payload = TYPES[type(payloads[0])]
        pkt = header / pkt
    return pkt


def pattern(start, n):
    return bytes((start + i) & 0xff for i in range(n))


def tf(ttype, tid, last=False, key_length=None):
    t = IKEv2_payload_Transform(next_payload=0 if last else 3, transform_type=ttype, transform_id=tid)
    if key_length is not None:
        t.length = 12
        t.key_length = key_length
    return t


def sa_init_request():
    # Proposal 1: AES-CBC-256 / HMAC-SHA2-256 / HMAC-SHA2-256-128 / ECP-256
    p1 = IKEv2_payload_Proposal(next_payload=2, proposal=1, proto=1, trans_nb=4,
                                trans=tf(1, 12, key_length=256) / tf(2, 5) / tf(3, 12) / tf(4, 19, last=True))
    # Proposal 2: AES-GCM-16-128 / HMAC-SHA2-384 / ECP-384 / MODP-2048
    p2 = IKEv2_payload_Proposal(next_payload=0, proposal=2, proto=1, trans_nb=4,
                                trans=tf(1, 20, key_length=128) / tf(2, 6) / tf(4, 20) / tf(4, 14, last=True))
    msg = chain(IKEv2_payload_SA(prop=p1 / p2),
                IKEv2_payload_KE(group=19, load=pattern(0x40, 64)),
                IKEv2_payload_Nonce(load=pattern(0x10, 32)),
                IKEv2_payload_Notify(type=16388, load=pattern(0x80, 20)),
                IKEv2_payload_Notify(type=16389, load=pattern(0xa0, 20)),
                IKEv2_payload_Notify(type=16430),
                IKEv2_payload_VendorID(vendorID=b'tandem-test'),
                header=IKEv2(init_SPI=SPI_I, resp_SPI=b'\0' * 8, exch_type=34, flags='Initiator', id=0))
    return bytes(msg)


def sa_init_response():
    p = IKEv2_payload_Proposal(next_payload=0, proposal=1, proto=1, trans_nb=4,
                               trans=tf(1, 12, key_length=256) / tf(2, 5) / tf(3, 12) / tf(4, 19, last=True))
    msg = chain(IKEv2_payload_SA(prop=p),
                IKEv2_payload_KE(group=19, load=pattern(0xc0, 64)),
                IKEv2_payload_Nonce(load=pattern(0x20, 32)),
                IKEv2_payload_Notify(type=16388, load=pattern(0x60, 20)),
                IKEv2_payload_Notify(type=16389, load=pattern(0x70, 20)),
                header=IKEv2(init_SPI=SPI_I, resp_SPI=SPI_R, exch_type=34, flags='Response', id=0))
    return bytes(msg)


def ike_auth_request():
    # SK content: 16-octet IV, 64 octets of "ciphertext", 16-octet ICV (AES-GCM-16 sized).
    content = pattern(0x00, 16) + pattern(0x55, 64) + pattern(0xee, 16)
    msg = chain(IKEv2_payload_Encrypted(next_payload=35, load=content),
                header=IKEv2(init_SPI=SPI_I, resp_SPI=SPI_R, exch_type=35, flags='Initiator', id=1))
    return bytes(msg)


def ike_auth_plaintext():
    """The inner chain of an IKE_AUTH request, as it would be after decryption (first payload:
    IDi, 35)."""
    # scapy 2.5 computes the proposal length from SPIsize before filling SPIsize in, so without
    # an explicit SPIsize the proposal length comes out 4 short (test_ike_wire caught that).
    esp = IKEv2_payload_Proposal(next_payload=0, proposal=1, proto=3, SPI=bytes.fromhex('c0ffee01'),
                                 SPIsize=4, trans_nb=3,
                                 trans=tf(1, 20, key_length=256) / tf(4, 0) / tf(5, 0, last=True))
    fqdn = b'gw1.example.net'
    # scapy 2.5's IDi computes its length from a field that does not exist: give it.
    inner = chain(IKEv2_payload_IDi(IDtype=2, ID=fqdn, length=8 + len(fqdn)),
                  IKEv2_payload_AUTH(auth_type=2, load=pattern(0x30, 32)),
                  IKEv2_payload_SA(prop=esp),
                  IKEv2_payload_TSi(number_of_TSs=1, traffic_selector=[
                 IPv4TrafficSelector(IP_protocol_ID=0, start_port=0, end_port=65535,
                                     starting_address_v4='10.1.0.0', ending_address_v4='10.1.255.255')]),
                  IKEv2_payload_TSr(number_of_TSs=2, traffic_selector=[
                 IPv4TrafficSelector(IP_protocol_ID=6, start_port=443, end_port=443,
                                     starting_address_v4='10.2.0.0', ending_address_v4='10.2.0.255'),
                 IPv4TrafficSelector(IP_protocol_ID=17, start_port=0, end_port=65535,
                                     starting_address_v4='10.3.0.1', ending_address_v4='10.3.0.1')]),
                  IKEv2_payload_Notify(type=16384))
    return bytes(inner)


def informational_delete_plain():
    """An INFORMATIONAL request with an unprotected Delete (not valid on the wire, where it is
    always inside SK, but a clean oracle for the Delete layout)."""
    # scapy 2.5 models the Delete body as opaque: protocol ESP, SPI size 4, two SPIs.
    msg = chain(IKEv2_payload_Delete(vendorID=bytes([3, 4, 0, 2]) + bytes.fromhex('c0ffee01c0ffee02')),
                header=IKEv2(init_SPI=SPI_I, resp_SPI=SPI_R, exch_type=37, flags='Initiator', id=7))
    return bytes(msg)


def nat_t_sa_init():
    """IKE on UDP 4500: the non-ESP marker then an IKE_AUTH request with SK."""
    return bytes(NON_ESP() / IKEv2(ike_auth_request()))


FIXTURES = {
    'sa_init_request': sa_init_request,
    'sa_init_response': sa_init_response,
    'ike_auth_request_sk': ike_auth_request,
    'ike_auth_plaintext_chain': ike_auth_plaintext,
    'informational_delete_plain': informational_delete_plain,
    'udp4500_ike_auth': nat_t_sa_init,
}
# Whole IKE messages (no marker, no bare chain) seed the fuzz corpus.
CORPUS_SEEDS = ['sa_init_request', 'sa_init_response', 'ike_auth_request_sk', 'informational_delete_plain']


def main():
    os.makedirs(DATA, exist_ok=True)
    os.makedirs(CORPUS, exist_ok=True)
    for name, build in FIXTURES.items():
        data = build()
        with open(os.path.join(DATA, name + '.hex'), 'w') as f:
            f.write(data.hex() + '\n')
        if name in CORPUS_SEEDS:
            with open(os.path.join(CORPUS, 'scapy_' + name), 'wb') as f:
                f.write(data)
        print(f'{name}: {len(data)} octets', file=sys.stderr)


if __name__ == '__main__':
    main()
