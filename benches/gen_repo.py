#!/usr/bin/env python3
"""Generate a synthetic partner-data repository for benchmarking `partnerctl check`.

    python3 benches/gen_repo.py --out /tmp/pctl-10k --partners 10000 [--seed 42] [--invalid-every 100] [--pack]
    python3 benches/gen_repo.py --out /tmp/pctl-hist --partners 10000 --invalid-every 0 --history 1000

Creates OUT as a git repository holding `programs/nospamproxy.toml` (copied from this repository)
and N realistic partner files `partners/partner-NNNNNN.toml` of about 1.4 KB each: legal name and
registration, a public profile, a contact, a NoSpamProxy membership with track and obligations,
one or two revenue entries (amounts as strings, "12345.67"), monthly recurring revenue for
cloud-only partners, projects, trainings and a certification.
About 1 % of the files (every `--invalid-every`-th, default 100) carry exactly one planted error,
rotating through seven kinds (unknown key, negative amount, unknown product line, unknown
training kind, bad date, wrong type, id/file-name mismatch). Everything is deterministic for a
given seed (commit ids included). All files are committed (gc.auto=0, so objects stay loose unless `--pack` runs
`git gc` afterwards), so `partnerctl check --rev HEAD` reads the same data as the working tree.

With `--history M`, the first commit is dated 2024-01-02 and M more commits follow, one a day,
each a realistic edit (deterministic for the seed): revenue recorded for a partner (45 %), a
certification renewed (20 %), the Business revenue threshold of NoSpamProxy changed (5 %), a
partner added (10 %), removed (10 %) or renamed with its id (10 %). Every 100th commit records
revenue for partner-000042, the partner whose history `benches/history.sh` times.

Prints one JSON line to stdout: {"partners": N, "invalid": K, "errors": K, "bytes": ..., ...}.
The expected `check` result is: exit status 1 and exactly K errors, 0 warnings.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

FIRST = ["Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannes", "Ines", "Jonas",
         "Katrin", "Lukas", "Mara", "Nils", "Olga", "Paul", "Rita", "Stefan", "Tanja", "Uwe"]
LAST = ["Bauer", "Schmidt", "Keller", "Wagner", "Becker", "Hoffmann", "Koch", "Richter",
        "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange"]
WORDS = ["Net", "Secure", "Mail", "Data", "Cloud", "Systems", "Consult", "Tech", "IT", "Logic",
         "Digital", "Service", "Solutions", "Works", "Bridge", "Point", "Nord", "Süd", "Rhein"]
FORMS = [("GmbH", "DE"), ("AG", "DE"), ("GmbH & Co. KG", "DE"), ("SARL", "FR"), ("SAS", "FR"),
         ("AG", "CH"), ("GmbH", "AT"), ("B.V.", "NL")]
REGIONS = {"DE": ["NRW", "Bayern", "Hessen", "Berlin", "Hamburg", "Sachsen"],
           "FR": ["Île-de-France", "Grand Est", "Occitanie"],
           "CH": ["Romandie", "Zürich", "Bern"], "AT": ["Wien", "Tirol"], "NL": ["Holland"]}
LANGS = {"DE": ["de", "en"], "FR": ["fr", "en"], "CH": ["de", "fr"], "AT": ["de"], "NL": ["nl", "en"]}
SERVICES = ["consulting", "hosting", "managed-services", "implementation", "support", "training"]
SERVER_LINES = ["server-new-licences", "server-maintenance", "server-services", "cloud-new-licences"]
INVALID_KINDS = ["unknown-key", "negative-amount", "unknown-product-line", "unknown-training",
                 "bad-date", "wrong-type", "id-mismatch"]


def date(rng, year):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def amount(rng, lo, hi):
    return f"{rng.randint(lo, hi)}.{rng.randint(0, 99):02d}"


def partner(i, rng, invalid):
    pid = f"partner-{i:06d}"
    form, country = rng.choice(FORMS)
    name = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {rng.choice(WORDS)}"
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    track = "cloud-only" if rng.random() < 0.25 else "server-cloud"
    out = []
    w = out.append
    file_id = pid if invalid != "id-mismatch" else pid.replace("partner-", "partner-x")
    w(f'api_version = "partnerctl/v1"\nkind = "Partner"\n'
      f'id = "{file_id}"\nlegal_name = "{name} {form}"\n\n[registration]\n')
    if country == "FR":
        w(f'siret = "{rng.randint(10**13, 10**14 - 1)}"\n')
    else:
        w(f'commercial_register = "HRB {rng.randint(1000, 99999)}"\n')
    w(f'vat_id = "{country}{rng.randint(10**8, 10**9 - 1)}"\n\n')
    slug = name.lower().replace(" ", "-").replace("ü", "ue")
    regions = ", ".join(f'"{r}"' for r in rng.sample(REGIONS[country], min(2, len(REGIONS[country]))))
    langs = ", ".join(f'"{l}"' for l in LANGS[country])
    services = ", ".join(f'"{s}"' for s in rng.sample(SERVICES, 2))
    w(f'[profile]\ndisplay_name = "{name}"\nwebsite = "https://www.{slug}.example"\n'
      f'country = "{country}"\nregions = [{regions}]\nlanguages = [{langs}]\nservices = [{services}]\n')
    if invalid == "unknown-key":
        w('homepage = "https://example.org"\n')
    w(f'\n[[contacts]]\nname = "{person}"\nrole = "Partner manager"\n'
      f'email = "{person.split()[0].lower()}@{slug}.example"\nphone = "+49 251 {rng.randint(100000, 999999)}"\n\n')
    w(f'[[memberships]]\nprogram = "nospamproxy"\ntrack = "{track}"\n'
      f'contract_start = {date(rng, rng.randint(2015, 2023))}\n[memberships.obligations]\n'
      f'basic-service-agreement = true\nvendor-named-with-follow-link = {str(rng.random() < 0.6).lower()}\n\n')
    n_rev = 2 if track == "server-cloud" else 1
    for k in range(n_rev):
        line = rng.choice(SERVER_LINES)
        amt = amount(rng, 500, 30000)
        if invalid == "unknown-product-line" and k == 0:
            line = "server-appliances"
        if invalid == "negative-amount" and k == 0:
            amt = "-" + amt
        when = f"date = {date(rng, 2025)}"
        if invalid == "bad-date" and k == 0:
            when = "date = 2025-02-30"
        w(f'[[revenue]]\nprogram = "nospamproxy"\nproduct_line = "{line}"\n{when}\n'
          f'currency = "EUR"\namount = "{amt}"\n\n')
    if track == "cloud-only":
        for m in (11, 12):
            w(f'[[recurring_revenue]]\nprogram = "nospamproxy"\nproduct_line = "cloud-services"\n'
              f'month = "2025-{m}"\ncurrency = "EUR"\namount = "{amount(rng, 100, 5000)}"\n\n')
    for k in range(rng.randint(1, 2) if track == "server-cloud" else 1):
        w(f'[[projects]]\nprogram = "nospamproxy"\nname = "Mail gateway rollout {k + 1}"\n'
          f'customer = "{rng.choice(WORDS)} {rng.choice(["Klinik", "Stadtwerke", "Logistik", "Bank"])}"\n'
          f'completed = {date(rng, 2025)}\n\n')
    kinds = ["sales", "technical"] if track == "server-cloud" else ["cloud-video"]
    for k, kind in enumerate(kinds):
        if invalid == "unknown-training" and k == 0:
            kind = "webinar"
        w(f'[[trainings]]\nprogram = "nospamproxy"\nperson = "{person}"\nkind = "{kind}"\n'
          f'date = {date(rng, 2024)}\n\n')
    for k in range(1):
        year = "2025" if not (invalid == "wrong-type" and k == 0) else None
        when = f"date = {date(rng, 2025)}" if year else "date = 20250301"
        w(f'[[certifications]]\nprogram = "nospamproxy"\nperson = "{rng.choice(FIRST)} {rng.choice(LAST)}"\n'
          f'kind = "admin-training"\n{when}\n\n')
    return f"{pid}.toml", "".join(out).rstrip("\n") + "\n"


def history(out, rng, n_partners, commits):
    """Append `commits` dated commits of edits; return counts per kind of edit."""
    import datetime
    live = [f"partner-{i:06d}" for i in range(1, n_partners + 1)]
    counts = {"revenue": 0, "certification": 0, "threshold": 0, "added": 0, "removed": 0,
              "renamed": 0}
    day = datetime.date(2024, 1, 2)
    next_id = n_partners + 1
    prog = os.path.join(out, "programs", "nospamproxy.toml")
    for c in range(1, commits + 1):
        day += datetime.timedelta(days=1)
        r = rng.random()
        paths = []
        if c % 100 == 0 and "partner-000042" in live:
            kind, pid = "revenue", "partner-000042"
        elif r < 0.45:
            kind, pid = "revenue", rng.choice(live)
        elif r < 0.65:
            kind, pid = "certification", rng.choice(live)
        elif r < 0.70:
            kind, pid = "threshold", None
        elif r < 0.80:
            kind, pid = "added", f"partner-{next_id:06d}"
            next_id += 1
        elif r < 0.90:
            kind, pid = "removed", rng.choice([p for p in rng.sample(live, 3) if p != "partner-000042"] or live[:1])
        else:
            kind, pid = "renamed", rng.choice([p for p in rng.sample(live, 3) if p != "partner-000042"] or live[:1])
        path = os.path.join(out, "partners", f"{pid}.toml") if pid else None
        if kind == "revenue":
            with open(path, "a") as f:
                f.write(f'\n[[revenue]]\nprogram = "nospamproxy"\nproduct_line = "server-new-licences"\n'
                        f'date = {day.isoformat()}\ncurrency = "EUR"\namount = "{amount(rng, 500, 9000)}"\n')
            paths = [path]
        elif kind == "certification":
            with open(path, "a") as f:
                f.write(f'\n[[certifications]]\nprogram = "nospamproxy"\nperson = "{rng.choice(FIRST)} {rng.choice(LAST)}"\n'
                        f'kind = "admin-training"\ndate = {day.isoformat()}\n')
            paths = [path]
        elif kind == "threshold":
            text = open(prog).read()
            a, b = 'at_least = { EUR = "20000.00" }', 'at_least = { EUR = "21000.00" }'
            text = text.replace(a, b) if a in text else text.replace(b, a)
            open(prog, "w").write(text)
            paths = [prog]
        elif kind == "added":
            name, text = partner(next_id - 1, rng, None)
            open(path, "w").write(text)
            live.append(pid)
            paths = [path]
        elif kind == "removed":
            git(out, "rm", "-q", path)
            live.remove(pid)
        else:
            new = pid.replace("partner-", "partner-r")
            new_path = os.path.join(out, "partners", f"{new}.toml")
            git(out, "mv", path, new_path)
            text = open(new_path).read().replace(f'id = "{pid}"', f'id = "{new}"', 1)
            open(new_path, "w").write(text)
            live[live.index(pid)] = new
            paths = [new_path]
        counts[kind] += 1
        if paths:
            git(out, "add", *paths)
        stamp = f"{day.isoformat()}T12:00:00Z"
        env = dict(os.environ, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        subprocess.run(["git", "-C", out, "-c", "gc.auto=0", "commit", "-q", "-m",
                        f"{kind} {pid or 'nospamproxy'}"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    return counts


# What `partnerctl new partner --program nospamproxy` ends a file with (src/scaffold/partner.rs),
# shortened to one product line and training kind.
COMMENTED_EXAMPLES = """
# Revenue, one entry per booking (uncomment to use). Product lines:
#   server-services: Server services
# [[revenue]]
# program = "nospamproxy"
# product_line = "server-services"
# date = 2026-01-31
# currency = "EUR"
# amount = "1000.00"

# Trainings attended. Kinds:
#   sales: Sales training
# [[trainings]]
# program = "nospamproxy"
# person = "Jane Doe"
# kind = "sales"
# date = 2026-01-31
"""


def git(out, *args):
    subprocess.run(["git", "-C", out, "-c", "gc.auto=0", *args], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--partners", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--invalid-every", type=int, default=100)
    ap.add_argument("--pack", action="store_true", help="run `git gc` after committing")
    ap.add_argument("--history", type=int, default=0, metavar="M",
                    help="add M daily commits of realistic edits after the first")
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    ap.add_argument("--commented-examples", action="store_true",
                    help="end every partner file with commented examples of revenue and trainings,"
                         " as `partnerctl new partner` writes them")
    a = ap.parse_args()
    if os.path.exists(a.out):
        if not a.force:
            sys.exit(f"{a.out} exists (use --force)")
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "partners"))
    os.makedirs(os.path.join(a.out, "programs"))
    shutil.copy(os.path.join(REPO, "programs", "nospamproxy.toml"),
                os.path.join(a.out, "programs", "nospamproxy.toml"))
    rng = random.Random(a.seed)
    planted = {k: 0 for k in INVALID_KINDS}
    total = 0
    for i in range(1, a.partners + 1):
        invalid = None
        if a.invalid_every and i % a.invalid_every == 0:
            invalid = INVALID_KINDS[(i // a.invalid_every - 1) % len(INVALID_KINDS)]
            planted[invalid] += 1
        name, text = partner(i, rng, invalid)
        if a.commented_examples:
            text += COMMENTED_EXAMPLES
        data = text.encode()
        total += len(data)
        with open(os.path.join(a.out, "partners", name), "wb") as f:
            f.write(data)
    subprocess.run(["git", "init", "-q", "-b", "main", a.out], check=True)
    for k, v in [("gc.auto", "0"), ("user.name", "bench"), ("user.email", "bench@example.invalid"),
                 ("commit.gpgsign", "false")]:
        git(a.out, "config", k, v)
    git(a.out, "add", "-A")
    first = "2024-01-02T00:00:00Z" if a.history else "2026-01-01T00:00:00Z"
    env = dict(os.environ, GIT_AUTHOR_DATE=first, GIT_COMMITTER_DATE=first)
    subprocess.run(["git", "-C", a.out, "-c", "gc.auto=0", "commit", "-q", "-m",
                    f"{a.partners} synthetic partners (seed {a.seed})"], check=True, env=env)
    edits = history(a.out, rng, a.partners, a.history) if a.history else None
    if a.pack:
        git(a.out, "gc", "-q", "--prune=now")
    n_invalid = sum(planted.values())
    print(json.dumps({"partners": a.partners, "invalid": n_invalid, "errors": n_invalid,
                      "planted": planted, "bytes": total,
                      "mean_bytes": round(total / max(a.partners, 1)), "packed": a.pack,
                      "history": edits}))


if __name__ == "__main__":
    main()
