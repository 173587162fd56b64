#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""enc_tool.py - helpers for t_60_encryption.sh.

  send IFACE N          N distinct frames (ethertype 0x88b5) out of IFACE
  pcap FILE             (cap_len, wire_len, bytes) list, printed as a count
  same A.pcap B.pcap    same packets (bytes and lengths), timestamps ignored
  keyid KEYFILE         the key id the kernel should show, in hex
  sealed FILE           "records N key_id HEX" of a sealed capture file
  nonces FILE...        nonce checks within and across sealed files
  offset FILE REC       file offset of record REC (1-based)
  scan KEYFILE PATH...  occurrences of the key (raw, hex) under PATHs

Sealed file layout: docs/ENCRYPTION.md.
"""
import hashlib
import os
import socket
import struct
import sys

MARK = b'PKTCAP-PLAINTEXT-MARKER'
HDR, IFACE, REC_HDR, NONCE = 40, 24, 48, 12


def send(iface, n):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for i in range(n):
        body = MARK + struct.pack('>I', i) + bytes((i * 7 + k) & 0xff
                                                  for k in range(i % 1400))
        frame = b'\x02\x00\x00\x00\x00\xaa\x02\x00\x00\x00\x00\xbb\x88\xb5' + body
        s.send(frame.ljust(60, b'\0'))


def pcap(path):
    data = open(path, 'rb').read()
    if struct.unpack_from('<I', data, 0)[0] not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit('%s: not a pcap file' % path)
    off, out = 24, []
    while off + 16 <= len(data):
        cap, wire = struct.unpack_from('<II', data, off + 8)
        out.append((cap, wire, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return out


def records(path):
    """(offset, header bytes, payload bytes) of every record."""
    data = open(path, 'rb').read()
    if data[:12] != b'PKTCAPSEAL\0\1':
        sys.exit('%s: not a sealed capture file' % path)
    off = HDR + IFACE * struct.unpack_from('<H', data, 30)[0]
    out = []
    while off < len(data):
        rec_len, _, hdr_len, cap = struct.unpack_from('<IHHI', data, off)
        out.append((off, data[off:off + hdr_len],
                    data[off + hdr_len:off + hdr_len + cap + 28]))
        off += rec_len
    return data, out


def nonce_list(path):
    """The nonces of a sealed file, without keeping the records."""
    data = open(path, 'rb').read()
    if data[:12] != b'PKTCAPSEAL\0\1':
        sys.exit('%s: not a sealed capture file' % path)
    off = HDR + IFACE * struct.unpack_from('<H', data, 30)[0]
    out = []
    while off < len(data):
        rec_len, _, hdr_len = struct.unpack_from('<IHH', data, off)
        out.append(data[off + hdr_len:off + hdr_len + NONCE])
        off += rec_len
    return out


def nonces(paths):
    seen, total, msgs = {}, 0, []
    for p in paths:
        recs = nonce_list(p)
        mine = set()
        ctr = {}
        for n in recs:
            mine.add(n)
            salt, c = n[:8], struct.unpack('>I', n[8:])[0]
            # per CPU salt: the counter only goes up (gaps are drops)
            if c <= ctr.get(salt, 0):
                msgs.append('%s: counter went back under one salt' % p)
            ctr[salt] = c
        dup = len(recs) - len(mine)
        common = sum(len(mine & s) for s in seen.values())
        total += len(recs)
        print('%s: %d records, %d salts, %d repeated nonces, %d shared with '
              'earlier files' % (p, len(recs), len(ctr), dup, common))
        if dup or common:
            msgs.append('%s: nonce reuse' % p)
        seen[p] = mine
    print('total %d records' % total)
    if msgs:
        sys.exit('; '.join(msgs[:3]))


def scan(keyfile, paths):
    key = open(keyfile, 'rb').read()
    pats = [key, key.hex().encode(), key.hex().upper().encode()]
    hits = 0
    for top in paths:
        for root, dirs, files in (os.walk(top) if os.path.isdir(top)
                                  else [('', [], [top])]):
            for f in files:
                path = os.path.join(root, f)
                try:
                    with open(path, 'rb') as fp:
                        data = fp.read(16 << 20)
                except OSError:
                    continue
                for pat in pats:
                    if pat in data:
                        print('key found in %s' % path)
                        hits += 1
    print(hits)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'send':
        send(a[0], int(a[1]))
    elif cmd == 'pcap':
        print(len(pcap(a[0])))
    elif cmd == 'same':
        x, y = sorted(pcap(a[0])), sorted(pcap(a[1]))
        if not x or x != y:
            sys.exit('differ: %d and %d packets' % (len(x), len(y)))
        print('%d packets identical' % len(x))
    elif cmd == 'keyid':
        key = open(a[0], 'rb').read()
        print(hashlib.sha256(b'pktcap key id v1' + key).hexdigest()[:16])
    elif cmd == 'sealed':
        data, recs = records(a[0])
        print('records %d key_id %s' % (len(recs), data[16:24].hex()))
    elif cmd == 'nonces':
        nonces(a)
    elif cmd == 'offset':
        print(records(a[0])[1][int(a[1]) - 1][0])
    elif cmd == 'scan':
        scan(a[0], a[1:])
    else:
        sys.exit('unknown command ' + cmd)


main()
