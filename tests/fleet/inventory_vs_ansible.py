#!/usr/bin/env python3
"""tests/fleet/inventory_vs_ansible.py INV_DUMP — inventory/inventory.c against Ansible itself:
each case below is written to files, read by `ansible-inventory --list` and by INV_DUMP
(tests/fleet/inv_dump.c), and the two must agree on every group's direct hosts, every group's
hosts through its children, and every host's resolved variables. Ansible's typed values
(literal_eval turns `5` into an int) are compared by their text; YAML lists and mappings,
which inventory.c keeps as JSON, by value. The fleet's own inventory.ini is one of the cases
when RBK_FLEET_DIR names a running fleet."""
import json
import os
import subprocess
import sys
import tempfile

DUMP = sys.argv[1]

CASES = {
    "groups-and-children": {"a.ini": """
lonely ansible_host=10.9.9.9
[web]
web[01:03] ansible_port=2222 x="a b"
[web:vars]
color=red
n=5
[db]
db-[a:b]:5433
[prod:children]
web
db
[prod:vars]
color=blue
region=eu
[all:vars]
region=none
tier=0
"""},
    "precedence-by-depth-then-name": {"p.ini": """
[zz]
h1
h2
[zz:vars]
v=zz
[aa]
h1
[aa:vars]
v=aa
[top:children]
mid
[mid:children]
leaf
[leaf]
h2 own=1
[leaf:vars]
v=leaf
[top:vars]
v=top
"""},
    "quoting": {"q.ini": """
[a]
h1 ansible_ssh_common_args='-o ProxyJump="bastion x"' note="it's" path=/a\\ b
h2 empty='' eq=a=b
[a:vars]
ansible_ssh_private_key_file = '/keys/id ed25519'
banner=hello  world
"""},
    "yaml": {"hosts.yml": """
all:
  vars:
    ansible_user: ops
  hosts:
    bastion:
  children:
    web:
      hosts:
        web[1:2]:
          ansible_port: 2222
          tags: [blue, green]
          limits: {cpu: 2, mem: "4G"}
    db:
      hosts:
        db1: {ansible_host: 10.1.1.1}
      vars:
        ansible_user: postgres
      children:
        replicas:
          hosts:
            db2:
"""},
    "comments-strides-and-regrouping": {"c.ini": """
early  # a comment after a host
; a comment line
n[1:9:4] role=n   # stride
[web]
early
web-[a:c]
[web:vars]
role=web
[ungrouped]
stray
[edge:children]
web
[edge]
n5
"""},
    "yaml-shared-groups": {"s.yaml": """
all:
  children:
    eu:
      children:
        web:
          hosts:
            w[a:b]:
          vars: {v: web-eu}
    us:
      children:
        web:
          hosts:
            wc:
          vars: {v: web-us}
      vars: {zone: us}
"""},
    "two-files-merged": {"1.ini": """
loose
[web]
w1 color=red
""", "2.yaml": """
web:
  hosts:
    w1: {color: blue}
    w2:
    loose:
"""},
}


def ansible(files):
    env = dict(os.environ, ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=tempfile.gettempdir())
    args = ["ansible-inventory", "--list"]
    for f in files:
        args += ["-i", f]
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        raise SystemExit(f"ansible-inventory failed: {r.stderr}")
    data = json.loads(r.stdout)
    hostvars = data.pop("_meta", {}).get("hostvars", {})
    groups = {g: {"hosts": v.get("hosts", []), "children": v.get("children", [])} for g, v in data.items()}

    def everyone(g, seen=()):
        out = list(groups.get(g, {}).get("hosts", []))
        for c in groups.get(g, {}).get("children", []):
            for h in everyone(c):
                if h not in out:
                    out.append(h)
        return out

    all_hosts = {g: everyone(g) for g in groups}
    every = set(all_hosts.get("all", []))
    for h in hostvars:
        every.add(h)
    return hostvars, groups, all_hosts, every


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


failures = []


def compare(name, files):
    a_vars, a_groups, a_all, a_every = ansible(files)
    r = subprocess.run([DUMP, *files], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        failures.append(f"{name}: inv_dump failed: {r.stderr.strip()}")
        return
    mine = json.loads(r.stdout)
    m_groups = mine["groups"]
    for g, v in a_groups.items():
        if g not in m_groups:
            failures.append(f"{name}: group {g} missing")
            continue
        if g != "all" and v["hosts"] != m_groups[g]["hosts"]:
            failures.append(f"{name}: group {g} direct hosts: ansible {v['hosts']}, mine {m_groups[g]['hosts']}")
        if sorted(a_all[g]) != sorted(m_groups[g]["all"]) and g != "all":
            failures.append(f"{name}: group {g} all hosts: ansible {a_all[g]}, mine {m_groups[g]['all']}")
    for g, v in m_groups.items():
        if g not in a_groups and (v["all"] or g not in ("all", "ungrouped")):
            failures.append(f"{name}: group {g} is mine only ({v})")
    if sorted(m_groups["all"]["all"]) != sorted(a_every):
        failures.append(f"{name}: all: ansible {sorted(a_every)}, mine {sorted(m_groups['all']['all'])}")
    for h in a_every:
        want = a_vars.get(h, {})
        got = mine["hostvars"].get(h, {})
        for k, v in want.items():
            if k not in got:
                failures.append(f"{name}: {h}.{k} missing (ansible: {v!r})")
                continue
            val, is_json = got[k]
            if isinstance(v, (list, dict)):
                ok = is_json and json.loads(val) == v
            else:
                ok = val == text(v)
            if not ok:
                failures.append(f"{name}: {h}.{k}: ansible {v!r}, mine {val!r}")
        for k in got:
            if k not in want:
                failures.append(f"{name}: {h}.{k} is mine only")
    print(("ok   " if not [f for f in failures if f.startswith(name + ":")] else "FAIL ") + name)


with tempfile.TemporaryDirectory() as tmp:
    for name, files in CASES.items():
        paths = []
        for fname, body in files.items():
            p = os.path.join(tmp, name + "-" + fname)
            with open(p, "w") as f:
                f.write(body.lstrip("\n"))
            paths.append(p)
        compare(name, paths)
    fleet = os.environ.get("RBK_FLEET_DIR")
    if fleet:
        compare("the fleet's inventory.ini", [os.path.join(fleet, "inventory.ini")])

for f in failures:
    print("  " + f)
sys.exit(1 if failures else 0)
