#!/usr/bin/env bash
# Benchmark `partnerctl eval` and `partnerctl diff` on 10,000 partners in all three programs
# (see BENCHMARKS.md).
#
#   benches/eval_diff.sh            # N=10000 RUNS=10 WARMUP=2
#
# Builds the release binary, generates DIR with gen_repo.py (valid partners only) and
# add_programs.py, then times with hyperfine:
#   eval          partnerctl eval --as-of 2026-11-23 (table, the target) and --format json
#                 (loading included)
#   diff, 1 file  working tree with one partner file changed against HEAD
#   diff, program working tree with programs/nospamproxy.toml changed against HEAD (all its
#                 members re-evaluated), once without effects (a threshold nobody is near) and
#                 once with thousands of downgrades
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-10000}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
DIR="${DIR:-/tmp/partnerctl-bench-eval-$N}"
BIN="$ROOT/target/release/partnerctl"
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 2; }

echo "building release binary..." >&2
(cd "$ROOT" && cargo build --release --quiet)

if [[ ! -d "$DIR/.git" ]]; then
    python3 "$ROOT/benches/gen_repo.py" --out "$DIR" --partners "$N" --invalid-every $((N * 10)) --force >/dev/null
    python3 "$ROOT/benches/add_programs.py" "$DIR"
fi
git -C "$DIR" checkout -q -- .

# Sanity: every partner valid and evaluated in three programs.
results=$("$BIN" eval --repo "$DIR" --as-of 2026-11-23 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]), len(d["skipped"]))')
echo "eval results, skipped: $results" >&2
[[ "$results" == "$((N * 3)) 0" ]] || { echo "unexpected eval result count" >&2; exit 1; }

hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-markdown /tmp/bench-eval.md \
    -n "eval, $N partners x 3 programs (table)" "$BIN eval --repo $DIR --as-of 2026-11-23" \
    -n "eval, $N partners x 3 programs (json)" "$BIN eval --repo $DIR --as-of 2026-11-23 --format json"

one="$DIR/partners/partner-000042.toml"
sed -i '0,/amount = "/s//amount = "1/' "$one"
"$BIN" diff HEAD --repo "$DIR" --as-of 2026-11-23 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("diff evaluated files:", d["evaluated_partner_files"])' >&2
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-markdown /tmp/bench-diff-one.md \
    -n "diff, one partner file changed" "$BIN diff HEAD --repo $DIR --as-of 2026-11-23 --format json"
git -C "$DIR" checkout -q -- .

sed -i 's/at_least = { EUR = "20000.00" }/at_least = { EUR = "21000.00" }/' "$DIR/programs/nospamproxy.toml"
"$BIN" diff HEAD --repo "$DIR" --as-of 2026-11-23 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("program diff (no effect), evaluated files:", d["evaluated_partner_files"], "tier changes:", len(d["tier_changes"]))' >&2
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-markdown /tmp/bench-diff-program.md \
    -n "diff, program terms changed (no effect)" "$BIN diff HEAD --repo $DIR --as-of 2026-11-23 --format json"
git -C "$DIR" checkout -q -- .

sed -i 's/at_least = { EUR = "2000.00" }/at_least = { EUR = "5000.00" }/' "$DIR/programs/nospamproxy.toml"
"$BIN" diff HEAD --repo "$DIR" --as-of 2026-11-23 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("program diff (effects), tier changes:", len(d["tier_changes"]), "future:", sum(len(f["tier_changes"]) for f in d["future"]))' >&2
hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" --export-markdown /tmp/bench-diff-program-effects.md \
    -n "diff, program terms changed (downgrades), json" "$BIN diff HEAD --repo $DIR --as-of 2026-11-23 --format json" \
    -n "diff, program terms changed (downgrades), markdown" "$BIN diff HEAD --repo $DIR --as-of 2026-11-23 --format markdown"
git -C "$DIR" checkout -q -- .

cat /tmp/bench-eval.md /tmp/bench-diff-one.md /tmp/bench-diff-program.md /tmp/bench-diff-program-effects.md
