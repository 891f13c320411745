#!/usr/bin/env python3
"""Write a revenue CSV for `partnerctl import` with one row per partner file of a repository made
by gen_repo.py: a new NoSpamProxy services booking on 2025-12-15 (deterministic amounts)."""
import argparse
import os

ap = argparse.ArgumentParser()
ap.add_argument("--repo", required=True)
ap.add_argument("--out", required=True)
args = ap.parse_args()
ids = sorted(f[:-5] for f in os.listdir(os.path.join(args.repo, "partners")) if f.endswith(".toml"))
with open(args.out, "w", encoding="utf-8") as out:
    out.write("partner,program,product_line,date,currency,amount\n")
    for i, pid in enumerate(ids):
        out.write(f"{pid},nospamproxy,server-services,2025-12-15,EUR,{100 + i % 900}.{i % 100:02d}\n")
print(len(ids))
