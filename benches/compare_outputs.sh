#!/usr/bin/env bash
# Run the same commands with two partnerctl binaries and compare stdout, stderr and exit status
# byte for byte: the check that a refactor leaves outputs unchanged.
#
#   benches/compare_outputs.sh BEFORE_BIN AFTER_BIN [COMMANDS_FILE]
#
# Each line of COMMANDS_FILE is the arguments of one run (split like shell words; blank lines
# and lines starting with # are skipped). A line `ARGS ::: AFTER_ARGS` runs ARGS with the before
# binary and AFTER_ARGS with the after one, for a deliberate flag change that must give the old
# bytes (e.g. `eval --format json ::: eval --format json --detail full --pretty`).
# Without COMMANDS_FILE, the eval outputs are compared: the table, --explain, json, csv and
# markdown for all partners and each partner alone, on several --as-of dates.
#
# Knobs: REPO (the partner-data repository to run in; default this repository),
# DATES (default "2025-03-01 2025-12-31 2026-01-01 2026-07-15 2026-11-23 2027-01-01"),
# OUT (a directory for the outputs, kept; default a temporary one, removed unless KEEP=1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 2 ]] || { sed -n '2,17p' "${BASH_SOURCE[0]}" >&2; exit 2; }
BEFORE="$(realpath "$1")"
AFTER="$(realpath "$2")"
COMMANDS="${3:-}"
REPO="${REPO:-$ROOT}"
DATES="${DATES:-2025-03-01 2025-12-31 2026-01-01 2026-07-15 2026-11-23 2027-01-01}"
if [[ -z "${OUT:-}" ]]; then OUT="$(mktemp -d)"; CREATED=1; else mkdir -p "$OUT"; CREATED=0; fi

default_commands() {
    local d p
    for d in $DATES; do
        echo "eval --as-of $d"
        echo "eval --as-of $d --explain"
        echo "eval --as-of $d --format json ::: eval --as-of $d --format json --detail full --pretty"
        echo "eval --as-of $d --format csv"
        echo "eval --as-of $d --format markdown"
        echo "eval --as-of $d --format markdown --explain"
        for p in "$REPO"/partners/*.toml; do
            p="$(basename "$p" .toml)"
            echo "eval --as-of $d --explain --partner $p"
        done
    done
}

# run BIN ARGS OUTPREFIX: stdout, stderr and the exit status into three files.
run() {
    local bin="$1" args="$2" out="$3" status=0
    eval "set -- $args"
    (cd "$REPO" && "$bin" "$@" >"$out.stdout" 2>"$out.stderr") || status=$?
    echo "$status" >"$out.status"
}

if [[ -n "$COMMANDS" ]]; then
    list="$(grep -v '^[[:space:]]*\(#\|$\)' "$COMMANDS")"
else
    list="$(default_commands)"
fi

n=0 differ=0
while IFS= read -r line; do
    n=$((n + 1))
    before_args="${line%% ::: *}"
    after_args="${line#* ::: }"
    run "$BEFORE" "$before_args" "$OUT/$n.before"
    run "$AFTER" "$after_args" "$OUT/$n.after"
    for part in stdout stderr status; do
        if ! cmp -s "$OUT/$n.before.$part" "$OUT/$n.after.$part"; then
            differ=$((differ + 1))
            echo "DIFFERS ($part): $line" >&2
            diff "$OUT/$n.before.$part" "$OUT/$n.after.$part" | head -20 >&2 || true
        fi
    done
done <<<"$list"

echo "$n commands, $differ differing outputs (before: $BEFORE, after: $AFTER)"
if [[ "${KEEP:-0}" == 1 || $CREATED == 0 ]]; then echo "outputs kept in $OUT"; else rm -rf "$OUT"; fi
[[ $differ -eq 0 ]]
