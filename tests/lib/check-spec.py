#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""docs/netlink/pktcap.yaml against uapi/linux/pktcap.h: the header is the
definition, the spec must say the same (names, values, types, operations,
multicast groups). One TAP line per check; exit 1 on any difference."""
import re
import sys
from pathlib import Path

import yaml

top = Path(__file__).resolve().parents[2]
header = (top / 'uapi/linux/pktcap.h').read_text()
spec = yaml.safe_load((top / 'docs/netlink/pktcap.yaml').read_text())
n = 0
failed = 0


def tap(ok, what, why=''):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(('ok' if ok else 'not ok') + f' {n} - {what}' + (f': {why}' if why and not ok else ''))


def header_enums():
    enums = {}
    for name, body in re.findall(r'enum (\w+) \{(.*?)\};', header, re.S):
        value, items = 0, {}
        for m in re.finditer(r'^\s*(\w+)(?:\s*=\s*([0-9x]+))?,?\s*$', body, re.M):
            ident = m.group(1)
            if m.group(2):
                value = int(m.group(2), 0)
            if not ident.startswith('__'):
                items[ident] = value
            value += 1
        enums[name] = items
    return enums


def doc_types():
    """The type word each kernel-doc member line starts with, if any."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r'\* @(\w+): (u8|u16|u32|u64|string|binary|nest)\b', header)}


enums = header_enums()
types = doc_types()
genl_name = re.search(r'#define PKTCAP_GENL_NAME\s+"(\w+)"', header).group(1)
tap(spec['name'] == genl_name, f'family name {genl_name}', spec['name'])

for aset in spec['attribute-sets']:
    ename = aset['enum-name']
    prefix = ename.upper() + '_'
    hdr = {k: v for k, v in enums.get(ename, {}).items() if not k.endswith('_UNSPEC')}
    yml = {prefix + a['name'].upper().replace('-', '_'): a for a in aset['attributes']}
    missing = sorted(set(hdr) - set(yml))
    extra = sorted(set(yml) - set(hdr))
    tap(not missing and not extra, f'attribute set {aset["name"]}: same attributes as enum {ename}',
        f'missing {missing} extra {extra}')
    wrong = [k for k in hdr if k in yml and yml[k]['value'] != hdr[k]]
    tap(not wrong, f'attribute set {aset["name"]}: same values', f'{wrong}')
    badtype = [k for k in hdr if k in yml and k in types and types[k] != yml[k]['type']]
    badtype += [k for k in yml if yml[k]['type'] == 'nest' and 'nested-attributes' not in yml[k]]
    tap(not badtype, f'attribute set {aset["name"]}: types agree with the kernel-doc', f'{badtype}')

cmds = {k: v for k, v in enums['pktcap_cmd'].items() if not k.endswith('_UNSPEC')}
ops = {'PKTCAP_CMD_' + o['name'].upper().replace('-', '_'): o['value'] for o in spec['operations']['list']}
tap(cmds == ops, 'operations equal enum pktcap_cmd', f'header {cmds} spec {ops}')

for d in spec.get('definitions', []):
    hdr = enums.get(d['enum-name'], {})
    got = sorted(e['value'] for e in d['entries'])
    tap(got == sorted(hdr.values()), f'definition {d["name"]} equals enum {d["enum-name"]}',
        f'header {hdr} spec {got}')

groups = set(re.findall(r'#define PKTCAP_MCGRP_\w+\s+"(\w+)"', header))
tap(groups == {g['name'] for g in spec['mcast-groups']['list']}, 'multicast groups', f'{groups}')
print(f'1..{n}')
sys.exit(1 if failed else 0)
