#!/usr/bin/env bash
# Benchmark `partnerctl history` and `partnerctl upcoming` against `check` and `eval` of the same
# repository, in the same run (see BENCHMARKS.md).
#
#   benches/history.sh            # N=10000 M=1000 RUNS=5 WARMUP=1
#
# Generates DIR with gen_repo.py --history M (N partners, then M daily commits of realistic
# edits; valid partners only), builds the release binary and times with hyperfine:
#   check               partnerctl check (the working tree)
#   eval                partnerctl eval --as-of 2026-11-23 (table)
#   history, 1 partner  partnerctl history partner-000042 (edited every 100th commit); the
#                       warm-up run leaves the tree-diff cache in .git/partnerctl, as any earlier
#                       run of history does
#   history, 1 partner, --no-cache   the same without the cache (a first run after a clone)
#   history, all        partnerctl history --format json (every partner, every commit)
#   history, all, --no-cache
#   upcoming            partnerctl upcoming --as-of 2026-11-23 (90 days)
# Targets: history of one partner < check; whole history < 10x eval; upcoming <= 1.5x eval.
# PACK=1 packs the repository first (git gc), as a clone from a server is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-10000}"
M="${M:-1000}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
DIR="${DIR:-/tmp/partnerctl-bench-history-$N-$M}"
BIN="$ROOT/target/release/partnerctl"
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }

echo "building release binary..." >&2
(cd "$ROOT" && cargo build --release --quiet)

if [[ ! -d "$DIR/.git" ]]; then
    python3 "$ROOT/benches/gen_repo.py" --out "$DIR" --partners "$N" --invalid-every 0 --history "$M" --force >&2
fi

if [[ "${PACK:-0}" == 1 ]]; then
    git -C "$DIR" gc -q
fi

# Sanity: the walk sees every commit, and partner-000042 has its edits.
"$BIN" history --repo "$DIR" partner-000042 --until 2026-11-23 --format json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print("partner-000042 events:", len(d["partners"][0]["events"]))' >&2
"$BIN" history --repo "$DIR" --until 2026-11-23 --format json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print("partners with events:", len(d["partners"]), "events:", sum(len(p["events"]) for p in d["partners"]))' >&2

hyperfine -N --warmup "$WARMUP" --runs "$RUNS" -i --export-markdown /tmp/bench-history.md \
    -n "check" "$BIN check --repo $DIR" \
    -n "eval" "$BIN eval --repo $DIR --as-of 2026-11-23" \
    -n "history, 1 partner" "$BIN history --repo $DIR partner-000042 --until 2026-11-23" \
    -n "history, 1 partner, --no-cache" "$BIN history --repo $DIR partner-000042 --until 2026-11-23 --no-cache" \
    -n "history, all partners (json)" "$BIN history --repo $DIR --until 2026-11-23 --format json" \
    -n "history, all partners (json), --no-cache" "$BIN history --repo $DIR --until 2026-11-23 --format json --no-cache" \
    -n "upcoming" "$BIN upcoming --repo $DIR --as-of 2026-11-23"
cat /tmp/bench-history.md
