#!/usr/bin/env bash
# Compare the outputs of two partnerctl binaries byte for byte: on the bundled data and on the
# benchmark repositories (issue #11: refactors keep outputs identical).
#
#   benches/compare_check_diff_outputs.sh OLD_BINARY NEW_BINARY [REPO...]
#
# For the bundled data (this checkout, as committed) and each REPO given (e.g. the ones
# benches/check.sh and benches/eval_diff.sh generate): check (human and JSON, working tree and
# --rev HEAD), eval (table and JSON), and diff of HEAD against the working tree after changing one
# partner file, and after adding a full-access grant that conflicts with an untouched file (JSON,
# Markdown, table). Exit status 1 on the first difference, with the command and a diff.
set -euo pipefail
OLD=$1 NEW=$2; shift 2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
AS_OF=2026-11-23

same() { # dir args...
    local dir=$1; shift
    local a=0 b=0
    "$OLD" "$@" --repo "$dir" >"$WORK/old" 2>"$WORK/old.err" || a=$?
    "$NEW" "$@" --repo "$dir" >"$WORK/new" 2>"$WORK/new.err" || b=$?
    if [[ $a != "$b" ]] || ! cmp -s "$WORK/old" "$WORK/new" || ! cmp -s "$WORK/old.err" "$WORK/new.err"; then
        echo "DIFFERENT: partnerctl $* --repo $dir (exit $a vs $b)" >&2
        diff "$WORK/old" "$WORK/new" | head -20 >&2 || true
        diff "$WORK/old.err" "$WORK/new.err" | head -20 >&2 || true
        exit 1
    fi
    echo "same: $* ($dir, exit $a, $(wc -c <"$WORK/new") bytes)"
}

one_repo() { # dir (a git repository with a clean working tree)
    local dir=$1
    for fmt in human json; do
        same "$dir" check --format "$fmt"
        same "$dir" check --format "$fmt" --rev HEAD
    done
    same "$dir" eval --as-of "$AS_OF"
    same "$dir" eval --as-of "$AS_OF" --format json
    local files=("$dir"/partners/*.toml)
    local first=${files[0]#"$dir"/} other=${files[-1]#"$dir"/}
    printf '\n# touched\n' >>"$dir/$first"
    for fmt in json markdown table; do same "$dir" diff HEAD --as-of "$AS_OF" --format "$fmt"; done
    git -C "$dir" checkout -q -- .
    # A conflict with an untouched file through the cross-file access rules.
    printf '\n[[access_grants]]\nprogram = "infomaniak"\ncustomer = "CMP-1"\naccess = "full"\npayment = "customer"\nsince = 2025-01-01\n' | tee -a "$dir/$first" >>"$dir/$other"
    git -C "$dir" add "$other" && git -C "$dir" -c user.name=c -c user.email=c@c commit -qm other
    for fmt in json markdown table; do same "$dir" diff HEAD --as-of "$AS_OF" --format "$fmt"; done
    git -C "$dir" checkout -q -- .
    git -C "$dir" reset -q --hard HEAD~1
}

# The bundled data as committed, in a scratch clone.
git clone -q "$ROOT" "$WORK/bundled"
one_repo "$WORK/bundled"
for repo in "$@"; do
    git clone -q "$repo" "$WORK/repo"
    one_repo "$WORK/repo"
    rm -rf "$WORK/repo"
done
echo "all outputs identical"
