#!/usr/bin/env python3
"""Generate the hostile repositories of BENCHMARKS.md ("Hostile inputs"): a program of N tiers
each requiring the one below, N partner files renamed in one commit, and a commit adding one
blob of zeros far over the 1 MiB limit.

    python3 benches/gen_hostile.py --out /tmp/pctl-hostile [--tiers 1000] [--renames 3500] [--blob-mb 300]

Writes OUT/tiers, OUT/renames and OUT/blob (git repositories, identities set locally).
"""

import argparse
import os
import subprocess

PROGRAM_HEAD = '''api_version = "partnerctl/v1"
kind = "Program"
id = "demo"
name = "Demo"
vendor = "Demo GmbH"
effective_from = 2025-01-01
currencies = ["EUR"]

[review]
cadence = "yearly"

[product_lines]
licences = "Licences"

[measures.projects]
type = "projects"
name = "projects"
window = "review"

[requirements.signed]
type = "contract_signed"

[entitlements.discount]
name = "Discount"
kind = "discount"
'''


def partner(pid, name):
    return f'''api_version = "partnerctl/v1"
kind = "Partner"
id = "{pid}"
legal_name = "{name} GmbH"

[profile]
display_name = "{name}"
country = "DE"

[[memberships]]
program = "demo"
contract_start = 2023-01-01
'''


def one_tier():
    return '\n[[tiers]]\nid = "silver"\nname = "Silver"\n\n[[levels]]\ntier = "silver"\nrequires = ["signed"]\n'


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def init(path):
    os.makedirs(os.path.join(path, "programs"), exist_ok=True)
    os.makedirs(os.path.join(path, "partners"), exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for k, v in [("user.name", "Bench"), ("user.email", "bench@example.com"), ("gc.auto", "0")]:
        git(path, "config", k, v)


def write(path, rel, text):
    with open(os.path.join(path, rel), "w") as f:
        f.write(text)


def commit(path, msg):
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", msg)


def tiers(path, n):
    init(path)
    s = PROGRAM_HEAD
    s += "".join(f'\n[[tiers]]\nid = "t{i}"\nname = "T{i}"\n' for i in range(n))
    for i in range(n):
        req = '"signed"' if i == 0 else f'"holds-t{i - 1}"'
        s += f'\n[[levels]]\ntier = "t{i}"\nrequires = [{req}]\n'
    s += "".join(f'\n[requirements.holds-t{i}]\ntype = "holds_tier"\ntier = "t{i}"\n' for i in range(n))
    write(path, "programs/demo.toml", s)
    write(path, "partners/acme.toml", partner("acme", "Acme"))
    commit(path, "tiers")


def renames(path, n):
    init(path)
    write(path, "programs/demo.toml", PROGRAM_HEAD + one_tier())
    for i in range(n):
        write(path, f"partners/p{i:04}.toml", partner(f"p{i:04}", f"Firma {i}"))
    commit(path, "base")
    for i in range(n):
        os.remove(os.path.join(path, f"partners/p{i:04}.toml"))
        j = (i * 3 + 11) % n
        write(path, f"partners/q{j:04}.toml", partner(f"q{j:04}", f"Firma {i}"))
    commit(path, "rename every partner")


def blob(path, mb):
    init(path)
    write(path, "programs/demo.toml", PROGRAM_HEAD + one_tier())
    write(path, "partners/acme.toml", partner("acme", "Acme"))
    commit(path, "base")
    with open(os.path.join(path, "partners/zeros.toml"), "wb") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(mb):
            f.write(chunk)
    commit(path, "a large blob")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tiers", type=int, default=1000)
    ap.add_argument("--renames", type=int, default=3500)
    ap.add_argument("--blob-mb", type=int, default=300)
    a = ap.parse_args()
    tiers(os.path.join(a.out, "tiers"), a.tiers)
    renames(os.path.join(a.out, "renames"), a.renames)
    blob(os.path.join(a.out, "blob"), a.blob_mb)


if __name__ == "__main__":
    main()
