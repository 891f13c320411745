#!/bin/bash
# Compare every output of two partnerctl binaries byte for byte: check (all formats), eval (all
# formats, with and without --explain), diff (all formats), usage errors, fmt/schema --check on
# the bundled data, and each tests/hostile case (its own args, check in all formats, eval, diff).
#
#   benches/same_outputs.sh BEFORE_BIN AFTER_BIN    # prints the differences; exit 1 if any
#
# The hostile repositories are rebuilt (fixed commit dates) before each run, since some cases
# (import) change their working tree. Dates are pinned with --as-of.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

setup() {
  rm -rf "$WORK/repos"; mkdir -p "$WORK/repos"
  export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
  for c in "$ROOT"/tests/hostile/*/; do
    [ -f "$c/expect.toml" ] || continue
    local r="$WORK/repos/$(basename "$c")"; mkdir -p "$r"
    ( cd "$r" && git init -q -b main . && git config user.email t@t && git config user.name t
      if [ -d "$c/base" ]; then cp -r "$c/base/." .; git add -A; git commit -qm base --allow-empty; git rm -rqf . >/dev/null; fi
      cp -r "$c/repo/." .; git add -A; git commit -qm head --allow-empty )
  done
}

outputs() { # BIN OUTDIR
  local B=$1 O=$2 DIR A=--as-of=2026-11-23; mkdir -p "$O"; setup
  run() { local name=$1; shift; (cd "$DIR" && "$B" "$@" >"$O/$name.out" 2>"$O/$name.err"; echo $? >"$O/$name.rc"); sed -i "s#$(basename "$B")#BIN#g" "$O/$name.err"; }
  DIR=$ROOT
  for f in human json github; do run check-$f check --format $f $A; done
  for f in table json markdown csv; do run eval-$f eval --format $f $A; run eval-x-$f eval --explain --format $f $A; done
  for f in table json markdown; do run diff-$f diff HEAD~40 HEAD --format $f $A; done
  run eval-nopartner eval --partner nope $A
  run eval-noprog eval --program nope $A
  run eval-empty eval --partner "" $A
  run check-norepo check --repo /nonexistent
  run check-badrev check --rev nosuchrev
  run diff-badrev diff nosuchrev HEAD
  run fmt-check fmt --check
  run schema-check schema --check
  for c in "$WORK"/repos/*/; do
    local n; n=$(basename "$c"); DIR=$c
    local args; args=$(python3 -c "import tomllib,shlex,sys;print(shlex.join(tomllib.load(open(sys.argv[1],'rb'))['args']))" "$ROOT/tests/hostile/$n/expect.toml")
    eval "run h-$n-expect $args"
    for f in human json github; do run h-$n-check-$f check --format $f $A; done
    run h-$n-eval eval --explain $A
    run h-$n-diff diff HEAD~1 HEAD $A
  done
}

outputs "$(realpath "$1")" "$WORK/before"
outputs "$(realpath "$2")" "$WORK/after"
diff -r "$WORK/before" "$WORK/after" && echo "same outputs ($(ls "$WORK/before" | wc -l) files)"
