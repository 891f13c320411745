#!/usr/bin/env python3
"""Extend a repository made by gen_repo.py so every partner is in all three bundled programs.

    python3 benches/add_programs.py DIR

Copies programs/pimentachat.toml and programs/infomaniak.toml into DIR and appends to every
partners/*.toml a pimentaCHAT membership (one or two partner types, obligations, basic
training, a certification per type) and an Infomaniak membership (managed volume in CHF or EUR,
a restricted access grant on a customer of its own). Deterministic; commits the result.
"""

import glob
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TYPES = [("hosting-partner", "hosting-certification"), ("technology-provider", "technology-certification"),
         ("value-added-partner", "value-added-certification")]
OBLIGATIONS = ["support-contract", "vendor-on-partner-website", "monthly-sales-report", "account-manager-meeting",
               "goals-defined", "community-work-group", "own-hosting-infrastructure",
               "first-and-second-level-support", "advanced-code-knowledge", "consulting-training-configuration"]
LINES = ["web-hosting", "domains", "mail-service", "kdrive", "swiss-backup", "public-cloud"]


def extra(i, rng):
    types = rng.sample(TYPES, rng.choice([1, 1, 2]))
    start = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    out = [f'[[memberships]]\nprogram = "pimentachat"\ntypes = [{", ".join(chr(34) + t + chr(34) for t, _ in types)}]\n'
           f'contract_start = {start}\n[memberships.obligations]\n']
    out += [f"{o} = {str(rng.random() < 0.95).lower()}\n" for o in OBLIGATIONS]
    out.append(f'\n[[memberships]]\nprogram = "infomaniak"\n[memberships.obligations]\n'
               'customer-support = true\ncustomer-invoices = true\ntender-orders-infomaniak-only = true\nreseller-terms = true\n\n')
    out.append(f'[[trainings]]\nprogram = "pimentachat"\nperson = "Trainee {i}"\nkind = "basic-training"\ndate = {start}\n\n')
    for _, cert in types:
        out.append(f'[[certifications]]\nprogram = "pimentachat"\nperson = "Trainee {i}"\nkind = "{cert}"\ndate = 2024-06-01\n\n')
    cur = rng.choice(["CHF", "EUR"])
    for m in (1, 4, 7):
        out.append(f'[[managed_volume]]\nprogram = "infomaniak"\nproduct_line = "{rng.choice(LINES)}"\n'
                   f'date = 2026-{m:02d}-15\ncurrency = "{cur}"\namount = "{rng.randint(300, 1500)}.{rng.randint(0, 99):02d}"\n\n')
    out.append(f'[[access_grants]]\nprogram = "infomaniak"\ncustomer = "cust-{i:06d}"\naccess = "restricted"\n'
               f'products = ["{rng.choice(LINES)}"]\n')
    return "".join(out)


def main():
    out = sys.argv[1]
    for p in ("pimentachat.toml", "infomaniak.toml"):
        shutil.copy(os.path.join(REPO, "programs", p), os.path.join(out, "programs", p))
    rng = random.Random(7)
    for i, path in enumerate(sorted(glob.glob(os.path.join(out, "partners", "*.toml")))):
        with open(path, "a", encoding="utf-8") as f:
            f.write("\n" + extra(i, rng))
    for args in (["add", "-A"], ["commit", "-qm", "all three programs"]):
        subprocess.run(["git", "-C", out, "-c", "gc.auto=0", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                        *args], check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
