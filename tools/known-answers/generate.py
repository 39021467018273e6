#!/usr/bin/env python3
"""Writes the known-answer tests that `amfkeys selftest` runs before first use.

An independent reference: the input strings S are built here, in Python, from the TS 33.220 B.2
rule and the clauses of TS 33.501, TS 33.535 and TS 33.401, and hashed with Python's hmac/hashlib.
The Java code never sees this file; it only reads the answers it writes.

    python3 tools/known-answers/generate.py > core/src/main/resources/org/amfkeys/catalog/known-answers.txt
"""
import hashlib
import hmac
import random
import unicodedata

rng = random.Random(0xA3F5)


def octets(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def kdf(key, fc, *params):
    s = bytes([fc]) if fc < 0x100 else bytes([0xFF, fc & 0xFF])
    for p in params:
        s += p + len(p).to_bytes(2, "big")
    return hmac.new(key, s, hashlib.sha256).digest()


def text(t):
    return unicodedata.normalize("NFKC", t).encode("utf-8")


def u(value, width):
    return value.to_bytes(width, "big")


def sn_id(mcc, mnc):
    d = [int(c) for c in mcc]
    n = [int(c) for c in mnc]
    mnc3 = n[2] if len(n) == 3 else 0xF
    return bytes([d[1] << 4 | d[0], mnc3 << 4 | d[2], n[1] << 4 | n[0]])


def supi_p0(supi):
    kind, value = supi.split("-", 1)
    return value.encode("ascii") if kind == "imsi" else text(value)


DIST = {"nas-enc": 1, "nas-int": 2, "rrc-enc": 3, "rrc-int": 4, "up-enc": 5, "up-int": 6}
lines = []


def emit(name, out, **params):
    fields = [name]
    for key, value in params.items():
        key = key.replace("_", "-")
        values = value if isinstance(value, list) else [value]
        for v in values:
            fields.append("%s=%s" % (key, v.hex() if isinstance(v, bytes) else v))
    lines.append(" ".join(fields) + " -> " + out.hex())


SNNS = ["5G:mnc001.mcc001.3gppnetwork.org", "5G:mnc093.mcc208.3gppnetwork.org:0000007ED9D"]
for snn in SNNS:
    ck, ik, sqn = octets(16), octets(16), octets(6)
    emit("kausf", kdf(ck + ik, 0x6A, text(snn), sqn), ck=ck, ik=ik, snn=snn, sqn_xor_ak=sqn)
    rand, res = octets(16), octets(8)
    emit("res-star", kdf(ck + ik, 0x6B, text(snn), rand, res)[16:], ck=ck, ik=ik, snn=snn, rand=rand, res=res)
    kausf = octets(32)
    emit("kseaf", kdf(kausf, 0x6C, text(snn)), kausf=kausf, snn=snn)
for name in ["WLAN", "5G:mnc001.mcc001.3gppnetwork.org"]:
    ck, ik, sqn = octets(16), octets(16), octets(6)
    emit("ck-ik-prime", kdf(ck + ik, 0x20, text(name), sqn), ck=ck, ik=ik, network_name=name, sqn_xor_ak=sqn)
rand, res_star = octets(16), octets(16)
emit("hres-star", hashlib.sha256(rand + res_star).digest()[16:], rand=rand, res_star=res_star)
for supi, abba in [("imsi-001010123456789", bytes(2)), ("nai-joe-doe@realm.example", b"\x01"), ("imsi-20893", bytes(3))]:
    kseaf = octets(32)
    emit("kamf", kdf(kseaf, 0x6D, supi_p0(supi), abba), kseaf=kseaf, supi=supi, abba=abba)
    kausf = octets(32)
    emit("kakma", kdf(kausf, 0x80, b"AKMA", supi_p0(supi)), kausf=kausf, supi=supi)
    emit("a-tid", kdf(kausf, 0x81, b"A-TID", supi_p0(supi)), kausf=kausf, supi=supi)
for dist, alg in [("nas-enc", 1), ("nas-int", 2), ("rrc-enc", 0), ("up-int", 15)]:
    key = octets(32)
    emit("alg-key", kdf(key, 0x69, u(DIST[dist], 1), u(alg, 1))[16:], key=key, distinguisher=dist, alg=alg)
    emit("eps-alg-key", kdf(key, 0x15, u(DIST[dist], 1), u(alg, 1))[16:], key=key, distinguisher=dist, alg=alg)
for count, access in [(0, "3gpp"), (0xFFFFFF, "non-3gpp"), (0xFFFFFFFF, "3gpp")]:
    kamf = octets(32)
    emit("kgnb", kdf(kamf, 0x6E, u(count, 4), u(1 if access == "3gpp" else 2, 1)), kamf=kamf, ul_count=count, access=access)
    emit("kasme-srvcc", kdf(kamf, 0x7D, u(count, 4)), kamf=kamf, dl_count=count)
    emit("kenb", kdf(kamf, 0x11, u(count, 4)), kasme=kamf, ul_count=count)
    emit("eps-ck-ik-handover", kdf(kamf, 0x16, u(count, 4)), kasme=kamf, dl_count=count)
    emit("eps-ck-ik-idle", kdf(kamf, 0x1B, u(count, 4)), kasme=kamf, ul_count=count)
kamf, sync = octets(32), octets(32)
emit("nh", kdf(kamf, 0x6F, sync), kamf=kamf, sync_input=sync)
emit("eps-nh", kdf(kamf, 0x12, sync), kasme=kamf, sync_input=sync)
for pci, arfcn in [(0, 0), (1007, 65535), (500, 3279165)]:
    key = octets(32)
    emit("kng-ran-star", kdf(key, 0x70, u(pci, 2), u(arfcn, 3)), key=key, pci=pci, arfcn=arfcn, target="gnb")
for pci, earfcn in [(0, 65535), (503, 65536), (17, 262143)]:
    key = octets(32)
    emit("kng-ran-star", kdf(key, 0x71, u(pci, 2), u(earfcn, 3)), key=key, pci=pci, arfcn=earfcn, target="ng-enb")
    width = 2 if earfcn <= 0xFFFF else 3
    emit("kenb-star", kdf(key, 0x13, u(pci, 2), u(earfcn, width)), key=key, pci=pci, earfcn=earfcn)
for direction, count in [("idle", 0), ("handover", 0xFFFFFFFF), ("idle", 0xFFFFFF)]:
    kamf = octets(32)
    emit("kamf-prime", kdf(kamf, 0x72, u(0 if direction == "idle" else 1, 1), u(count, 4)),
         kamf=kamf, direction=direction, count=count)
    emit("kasme-prime", kdf(kamf, 0x73 if direction == "idle" else 0x74, u(count, 4)), kamf=kamf, mode=direction, count=count)
kasme, nh = octets(32), octets(32)
emit("kamf-from-kasme", kdf(kasme, 0x75, u(123456, 4)), kasme=kasme, mode="idle", count=123456)
emit("kamf-from-kasme", kdf(kasme, 0x76, nh), kasme=kasme, mode="handover", nh=nh)
for counter in [0, 65535]:
    key = octets(32)
    emit("ksn", kdf(key, 0x79, u(counter, 2)), key=key, sn_counter=counter)
    emit("s-kenb", kdf(key, 0x1C, u(counter, 2)), kenb=key, counter=counter)
    emit("sor-mac-iue", kdf(key, 0x78, b"\x01", u(counter, 2))[16:], kausf=key, counter_sor=counter)
    emit("upu-mac-iue", kdf(key, 0x7C, b"\x01", u(counter, 2))[16:], kausf=key, counter_upu=counter)
kausf, header, container, upu = octets(32), octets(1), octets(40), octets(57)
emit("sor-mac-iausf", kdf(kausf, 0x77, header, u(7, 2))[16:], kausf=kausf, sor_header=header, counter_sor=7)
emit("sor-mac-iausf", kdf(kausf, 0x77, header, u(8, 2), container)[16:],
     kausf=kausf, sor_header=header, counter_sor=8, sor_container=container)
emit("upu-mac-iausf", kdf(kausf, 0x7B, upu, u(9, 2))[16:], kausf=kausf, upu_data=upu, counter_upu=9)
for usage, code in [("ipsec", 1), ("tnap", 2), ("ft", 3)]:
    key = octets(32)
    emit("ktipsec-ktnap-kft", kdf(key, 0x84, u(code, 1)), key=key, usage=usage)
key = octets(32)
emit("kiab", kdf(key, 0x83, bytes([192, 0, 2, 1]), bytes.fromhex("20010db8000000000000000000000001")),
     key=key, donor_cu_ip="192.0.2.1", node_du_ip="2001:db8::1")
kakma, af_id = octets(32), text("af.example.com") + bytes.fromhex("0100000102")
emit("kaf", kdf(kakma, 0x82, af_id), kakma=kakma, af_id=af_id)
for mcc, mnc in [("001", "01"), ("310", "410")]:
    ck, ik, sqn = octets(16), octets(16), octets(6)
    emit("eps-kasme", kdf(ck + ik, 0x10, sn_id(mcc, mnc), sqn), ck=ck, ik=ik, mcc=mcc, mnc=mnc, sqn_xor_ak=sqn)
ck, ik, nonce_ue, nonce_mme = octets(16), octets(16), octets(4), octets(4)
emit("eps-kasme-idle", kdf(ck + ik, 0x19, nonce_ue, nonce_mme), ck=ck, ik=ik, nonce_ue=nonce_ue, nonce_mme=nonce_mme)
key, p0, p1 = octets(16), octets(3), octets(0)
emit("generic", kdf(key, 0x42, p0, p1), key=key, fc=0x42, param=[p0, p1])
emit("generic", kdf(key, 0xFF07, p0), key=key, fc=0xFF07, param=[p0])
emit("generic", kdf(key, 0x38), key=key, fc=0x38)

print("# Known answers for `amfkeys selftest`, written by tools/known-answers/generate.py; do not edit.")
print("# derive-name param=value ... -> expected output (hex)")
print("\n".join(lines))
