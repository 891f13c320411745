#!/usr/bin/env bash
# Benchmark of `partnerctl directory`: a complete site for N partners (default 10,000) with the
# release build, timed with hyperfine (apt-get install -y hyperfine). Target: under 2 s.
#
#   benches/directory.sh            # 10,000 partners
#   N=2000 benches/directory.sh     # another size
#
# The partners are generated here (no generator existed under benches/ or examples/ when this was
# written): against the bundled NoSpamProxy program, a mix of Premium (listed with logo, 40
# shared logos), Business, Authorized and unlisted partners, each with the confidential facts a
# real record has (contacts, revenue, projects, trainings, certifications).
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-10000}"
RUNS="${RUNS:-10}"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }

cargo build --release --locked --quiet
bin="$PWD/target/release/partnerctl"

# BENCH_DIR keeps the generated repository and site for inspection; default a temporary directory.
if [ -n "${BENCH_DIR:-}" ]; then
  work="$BENCH_DIR"; rm -rf "$work"; mkdir -p "$work"
else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fi
repo="$work/repo"
mkdir -p "$repo/programs" "$repo/partners" "$repo/assets/logos"
cp programs/nospamproxy.toml "$repo/programs/"

for i in $(seq 0 39); do
  printf '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#%06x"/><text x="8" y="40">L%d</text></svg>\n' $((i * 400000 % 16777215)) "$i" > "$repo/assets/logos/logo-$i.svg"
done

awk -v n="$N" -v dir="$repo/partners" 'BEGIN {
  split("DE AT CH FR NL BE IT ES PL SE", countries, " ");
  split("NRW Bayern Wien Zürich Romandie Île-de-France Randstad Flandern Lombardia Katalonien", regions, " ");
  split("de en fr nl it es pl sv", langs, " ");
  split("consulting hosting support training managed-services migration", services, " ");
  for (i = 0; i < n; i++) {
    id = sprintf("partner-%05d", i);
    f = dir "/" id ".toml";
    kind = i % 6;  # 0,1: premium; 2: business; 3,4: authorized; 5: not listed
    print "api_version = \"partnerctl/v1\"\nkind = \"Partner\"\nid = \"" id "\"" > f;
    print "legal_name = \"Partner " i " GmbH\"\n\n[registration]\nvat_id = \"DE" sprintf("%09d", i) "\"\n" > f;
    print "[profile]\ndisplay_name = \"Partner " i " Systemhaus\"\nwebsite = \"https://p" i ".example/\"" > f;
    if (kind <= 1) print "logo = \"assets/logos/logo-" (i % 40) ".svg\"" > f;
    print "description = \"Partner " i " secures e-mail for small and mid-sized businesses: consulting, rollout, operations and training, with certified technicians and a local support desk.\"" > f;
    print "country = \"" countries[i % 10 + 1] "\"\nregions = [\"" regions[i % 10 + 1] "\", \"" regions[(i * 7) % 10 + 1] "\"]" > f;
    print "languages = [\"" langs[i % 8 + 1] "\", \"en\"]\nservices = [\"" services[i % 6 + 1] "\", \"" services[(i * 5) % 6 + 1] "\"]\n" > f;
    print "[[contacts]]\nname = \"Contact " i "\"\nemail = \"c" i "@p" i ".example\"\n" > f;
    print "[[memberships]]\nprogram = \"nospamproxy\"\ntrack = \"server-cloud\"\ncontract_start = 2020-01-01" > f;
    print "[memberships.obligations]\nbasic-service-agreement = true\nvendor-named-with-follow-link = " (kind <= 2 ? "true" : "false") "\n" > f;
    if (kind == 5) { close(f); continue; }
    amount = (kind <= 1 ? "60000.00" : (kind == 2 ? "25000.00" : "3000.00"));
    print "[[revenue]]\nprogram = \"nospamproxy\"\nproduct_line = \"server-new-licences\"\ndate = 2025-06-30\ncurrency = \"EUR\"\namount = \"" amount "\"\nnote = \"deal " i "\"\n" > f;
    np = (kind <= 1 ? 5 : (kind == 2 ? 3 : 1));
    for (p = 0; p < np; p++)
      print "[[projects]]\nprogram = \"nospamproxy\"\nname = \"Project " p "\"\ncustomer = \"Customer " i "-" p "\"\ncompleted = 2025-0" (p + 1) "-15\n" > f;
    print "[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"Seller " i "\"\nkind = \"sales\"\ndate = 2024-03-01\n" > f;
    print "[[trainings]]\nprogram = \"nospamproxy\"\nperson = \"Tech " i "\"\nkind = \"technical\"\ndate = 2024-03-02\n" > f;
    nc = (kind <= 1 ? 2 : (kind == 2 ? 1 : 0));
    for (c = 0; c < nc; c++)
      print "[[certifications]]\nprogram = \"nospamproxy\"\nperson = \"Tech " i "-" c "\"\nkind = \"admin-training\"\ndate = 2025-02-01\n" > f;
    close(f);
  }
}'

echo "generated $N partners in $repo"
"$bin" directory --repo "$repo" --out "$work/site" --as-of 2026-01-15 --build-date 2026-01-15
echo "site: $(find "$work/site" -type f | wc -l) files, $(du -sh --apparent-size "$work/site" | cut -f1), index.html $(du -h --apparent-size "$work/site/index.html" | cut -f1)"

hyperfine --warmup 2 --runs "$RUNS" --style basic \
  --command-name "partnerctl directory ($N partners)" \
  "$bin directory --repo $repo --out $work/site --as-of 2026-01-15 --build-date 2026-01-15"
