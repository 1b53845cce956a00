#!/bin/bash
# crm report on a fixed generated repository. Every expected figure is computed here, in
# Python, from the YAML files themselves (decimal arithmetic, no crm involved): pipeline sums
# and weighted sums, the forecast, win rates and cycle days, the Pareto cut, the stale lists,
# activity counts. Then: currencies and rates, templates, html in headless Chromium, bars on a
# terminal, and bad input.
. "${CRM_TEST_LIB:-$(dirname "$0")/lib.sh}"

NOW=2026-11-23T09:00:00Z
export CRM_NOW=$NOW LC_ALL=C.UTF-8
PY=/usr/bin/python3
$PY -c 'import yaml' 2>/dev/null || { echo "python3-yaml missing: scripts/setup-debian.sh --test"; exit 1; }

# ---------------------------------------------------------------------------
# The repository: written by a seeded generator, committed with git (crm indexes it on first use).
cat >"$WORK/gen.py" <<'PY'
import os, random, datetime as dt
R = random.Random(20261123)
ALPHA = "0123456789abcdefghjkmnpqrstvwxyz"
used = set()
def new_id():
    while True:
        i = "".join(R.choice(ALPHA) for _ in range(10))
        if i not in used:
            used.add(i)
            return i
def write(folder, i, lines):
    d = os.path.join(folder, i[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, i + ".yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
def day(d0, d1):
    return d0 + dt.timedelta(days=R.randint(0, (d1 - d0).days))
def stamp(d, h=9):
    return "%sT%02d:%02d:00Z" % (d.isoformat(), h, R.randint(0, 59))
NOW = dt.date(2026, 11, 23)
companies = []
for n in range(10):
    i = new_id(); companies.append(i)
    lines = ['name: "Company %02d"' % n]
    if n % 4 == 0: lines.append('keep_in_touch: "60d"')
    lines.append("created: " + stamp(day(dt.date(2025, 12, 1), dt.date(2026, 3, 1))))
    write("companies", i, lines)
contacts, company_of = [], {}
for n in range(24):
    i = new_id(); contacts.append(i)
    lines = ['name: "Person %02d"' % n]
    if n < 20:
        company_of[i] = companies[n % 10]
        lines.append('company: "%s"' % companies[n % 10])
    if n % 3 == 0: lines.append('keep_in_touch: "30d"')
    lines.append("created: " + stamp(day(dt.date(2026, 3, 1), dt.date(2026, 11, 20))))
    write("contacts", i, lines)
stages = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
deals = []
for n in range(80):
    i = new_id(); deals.append(i)
    stage = R.choice(stages)
    created = day(dt.date(2026, 1, 1), dt.date(2026, 11, 10))
    lines = ['title: "Deal %02d"' % n]
    if R.random() < 0.9: lines.append('company: "%s"' % R.choice(companies))
    cs = R.sample(contacts, R.randint(0, 2))
    if cs: lines += ["contacts:"] + ['  - "%s"' % c for c in cs]
    owner = R.choice(["Ana", "Luis", "Marta", ""])
    if owner: lines.append("owner: " + owner)
    lines.append("stage: " + stage)
    if R.random() < 0.9: lines.append("amount: %d.%02d" % (R.randint(100, 50000), R.randint(0, 99)))
    lines.append("currency: EUR")
    if R.random() < 0.15: lines.append("probability: %d" % R.randint(5, 95))
    if R.random() < 0.95: lines.append("close: " + day(dt.date(2026, 6, 1), dt.date(2027, 5, 31)).isoformat())
    moved = created + dt.timedelta(days=R.randint(0, (NOW - created).days - 1))
    history = [("lead", stamp(created, 9))]
    if stage != "lead" and R.random() < 0.9: history.append((stage, stamp(moved, 15)))
    lines += ["stage_history:"] + ["  - stage: %s\n    at: %s" % h for h in history]
    lines.append("created: " + stamp(created, 9))
    write("deals", i, lines)
kinds = ["call", "email", "meeting", "note"]
def note(lines_extra, at):
    i = new_id()
    write("notes", i, ["kind: " + R.choice(kinds), "at: " + at] + lines_extra +
          ["author: " + R.choice(["Ana", "Luis", "Marta"]), "created: " + at])
for n in range(150):
    c = R.choice(contacts)
    extra = ["contacts:", '  - "%s"' % c]
    if c in company_of: extra.append('company: "%s"' % company_of[c])
    if R.random() < 0.4: extra.append('deal: "%s"' % R.choice(deals))
    d = day(dt.date(2026, 1, 1), NOW - dt.timedelta(days=1)) if n % 5 else day(NOW - dt.timedelta(days=10), NOW - dt.timedelta(days=1))
    note(extra, stamp(d, R.randint(8, 18)))
for n in range(3):  # planned: not activity yet
    note(["contacts:", '  - "%s"' % contacts[n]], "2026-11-25T10:00:00Z")
camp = new_id()
members = contacts[:6]
write("campaigns", camp, ['name: "Spring launch"', "status: done", "start: 2026-03-01", "end: 2026-04-30",
                          "contacts:"] + ['  - "%s"' % m for m in members] + ["created: 2026-02-20T09:00:00Z"])
for m in members[:4]:
    note(["contacts:", '  - "%s"' % m, 'campaign: "%s"' % camp], stamp(dt.date(2026, 3, 10), 11))
PY

# expect.py WHAT [ARGS]: the expected figures, from the files.
cat >"$WORK/expect.py" <<'PY'
import glob, os, sys, datetime as dt, yaml
from decimal import Decimal, ROUND_HALF_EVEN
TODAY = dt.date(2026, 11, 23); NOW = "2026-11-23T09:00:00Z"
def load(folder):
    out = {}
    for p in glob.glob(folder + "/*/*.yaml"):
        out[os.path.basename(p)[:-5]] = yaml.load(open(p, encoding="utf-8"), Loader=yaml.BaseLoader)
    return out
cfg = yaml.load(open("crm.yaml"), Loader=yaml.BaseLoader)
prob = {k: int(v) for k, v in cfg["stages"].items()}
deals, notes, contacts, companies = load("deals"), load("notes"), load("contacts"), load("companies")
def exact(d):  # crm's machine form: at least 2 decimals, no trailing zeros past them
    s = format(d, "f")
    if "." not in s: s += ".00"
    while len(s.split(".")[1]) > 2 and s.endswith("0"): s = s[:-1]
    return s
def q1(d): return str(d.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))
def amount(d): return Decimal(d.get("amount", "0"))
def p_of(d): return int(d["probability"]) if "probability" in d else prob[d["stage"]]
def is_open(d): return prob[d["stage"]] not in (0, 100)
def dday(s): return dt.date.fromisoformat(s[:10])
def closed_day(d):
    h = d.get("stage_history") or []
    if h and h[-1]["stage"] == d["stage"]: return dday(h[-1]["at"])
    return dday(d["close"]) if "close" in d else None
what = sys.argv[1]
if what == "pipeline":  # stage deals amount weighted, open stages in crm.yaml order
    owner = sys.argv[2] if len(sys.argv) > 2 else None
    for st, p in prob.items():
        if p in (0, 100): continue
        ds = [d for d in deals.values() if d["stage"] == st and (owner is None or d.get("owner") == owner)]
        print(st, len(ds), exact(sum((amount(d) for d in ds), Decimal(0))),
              exact(sum((amount(d) * p_of(d) / 100 for d in ds), Decimal(0))))
elif what == "forecast":  # month deals best weighted, for close in [since, until]
    since, until = dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
    months = {}
    m = since.replace(day=1)
    while m <= until:
        months[m.strftime("%Y-%m")] = [0, Decimal(0), Decimal(0)]
        m = (m + dt.timedelta(days=32)).replace(day=1)
    for d in deals.values():
        if not is_open(d) or "close" not in d or not since <= dday(d["close"]) <= until: continue
        a = months[d["close"][:7]]
        a[0] += 1; a[1] += amount(d); a[2] += amount(d) * p_of(d) / 100
    for k, a in months.items(): print(k, a[0], exact(a[1]), exact(a[2]))
elif what == "won":  # owner won lost win_rate avg_cycle, closed since 2026-01-01
    g = {}
    for d in deals.values():
        if is_open(d): continue
        c = closed_day(d)
        if c is None or c < dt.date(2026, 1, 1): continue
        a = g.setdefault(d.get("owner") or "(none)", [0, 0, 0, 0])
        if prob[d["stage"]] == 100:
            a[0] += 1; a[2] += (c - dday(d["created"])).days; a[3] += 1
        else: a[1] += 1
    for k in sorted(g):
        w, l, days, n = g[k]
        print(k, w, l, q1(Decimal(w * 100) / Decimal(w + l)), q1(Decimal(days) / Decimal(n)) if n else "-")
elif what == "customers":  # the ids of class A (the first 80% of revenue), largest first; then k/n
    rev, name = {}, {}
    for i, d in deals.items():
        if prob[d["stage"]] != 100: continue
        who = d.get("company") or (d.get("contacts") or [None])[0]
        if who is None: continue
        rev[who] = rev.get(who, Decimal(0)) + amount(d)
    for i, r in list(companies.items()) + list(contacts.items()): name[i] = r["name"].lower()
    order = sorted(rev, key=lambda i: (-rev[i], name[i]))
    total = sum(rev.values(), Decimal(0)); cum = Decimal(0); a = []
    for i in order:
        if cum < total * Decimal("0.8"): a.append(i)
        cum += rev[i]
    print(" ".join(a)); print("%d %d %s" % (len(a), len(order), exact(total)))
elif what == "stale-deals":  # ids of open deals idle for 30 days or more
    last = {}
    for n in notes.values():
        if "deal" in n and n["at"] <= NOW:
            last[n["deal"]] = max(last.get(n["deal"], ""), n["at"])
    out = []
    for i, d in deals.items():
        if not is_open(d): continue
        days = [dday(d["created"])]
        h = d.get("stage_history") or []
        if h and h[-1]["stage"] == d["stage"]: days.append(dday(h[-1]["at"]))
        if i in last: days.append(dday(last[i]))
        if (TODAY - max(days)).days >= 30: out.append(i)
    print("\n".join(sorted(out)))
elif what == "stale-people":  # ids of contacts and companies past their keep_in_touch
    def latest(ids):
        ats = [n["at"] for n in notes.values() if n["at"] <= NOW and
               (set(n.get("contacts") or []) & ids or n.get("company") in ids or n.get("deal") in ids)]
        return max(ats) if ats else None
    out = []
    for kind, recs in (("contact", contacts), ("company", companies)):
        for i, r in recs.items():
            if "keep_in_touch" not in r: continue
            ids = {i} | ({c for c, x in contacts.items() if x.get("company") == i} if kind == "company" else set())
            l = latest(ids)
            since = dday(l) if l else dday(r["created"])
            if since + dt.timedelta(days=int(r["keep_in_touch"][:-1])) < TODAY: out.append(i)
    print("\n".join(sorted(out)))
elif what == "activity":  # kind count, notes from SINCE to now
    since = sys.argv[2]
    for k in cfg.get("note_kinds", ["call", "email", "meeting", "note"]):
        print(k, sum(1 for n in notes.values() if n["kind"] == k and since <= n["at"][:10] and n["at"] <= NOW))
PY

new_repo gen
$PY "$WORK/gen.py" || { echo "generator failed"; exit 1; }
git add -A >/dev/null && git commit -qm "generated records" || exit 1
expect() { (cd "$WORK/gen" && $PY "$WORK/expect.py" "$@"); }

test_case "the generated repository is valid"
run crm check
expect_rc 0

test_case "pipeline: counts, sums and weighted sums by stage"
run crm report pipeline --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r' | tail -n +2 | awk -F, '{print $1, $3, $5, $6}')" "$(expect pipeline)"
expect_eq "$(printf '%s\n' "$out" | head -1 | tr -d '\r')" "stage,currency,deals,probability,amount,weighted"
run crm report pipeline --json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].totals[0] | "\(.deals) \(.amount) \(.weighted)"')" \
  "$(expect pipeline | awk '{n += $2} END {print n}') $(expect pipeline | $PY -c '
import sys; from decimal import Decimal as D
rows = [l.split() for l in sys.stdin]
def ex(d):
    s = format(d, "f")
    if "." not in s: s += ".00"
    while len(s.split(".")[1]) > 2 and s.endswith("0"): s = s[:-1]
    return s
print(ex(sum(D(r[2]) for r in rows)), ex(sum(D(r[3]) for r in rows)))')"

test_case "pipeline: --owner and a QUERY select the same deals"
run crm report pipeline --owner ana --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r' | tail -n +2 | awk -F, '{print $1, $3, $5, $6}')" "$(expect pipeline Ana)"
run crm report pipeline owner:ana --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r' | tail -n +2 | awk -F, '{print $1, $3, $5, $6}')" "$(expect pipeline Ana)"
run crm report pipeline -stage:lead --format csv
expect_rc 0
expect_out_match '^lead,EUR,0,10,0.00,0.00'

test_case "forecast by month for a window"
run crm report forecast --by month --since 2026-12-01 --until 2027-02-28 --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r' | tail -n +2 | awk -F, '{print $1, $3, $4, $5}')" \
  "$(expect forecast 2026-12-01 2027-02-28)"
run crm report forecast --since today --until +6m --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.since, .until, (.sections[0].rows | length)] | @tsv')" "2026-11-23	2027-05-23	7"

test_case "won and lost by owner: win rate and average cycle days"
run crm report won --by owner --since 2026-01-01 --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].rows | sort_by(.owner)[] | "\(.owner) \(.won) \(.lost) \(.win_rate) \(.cycle_days // "-")"')" \
  "$(expect won)"

test_case "customers: revenue ranking and the Pareto cut"
run crm report customers --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].rows[] | select(.class == "A") | .id] | join(" ")')" "$(expect customers | sed -n 1p)"
read -r k n total <<<"$(expect customers | sed -n 2p)"
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].totals[0].revenue')" "$total"
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].rows | length')" "$n"
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].notes[0]' | cut -d' ' -f1-3)" "$k of $n"
run crm report customers --pareto --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr '\n' ' ' | sed 's/ $//')" "$(expect customers | sed -n 1p)"
expect_eq "$(printf '%s' "$(crm report customers --json)" | jq -r '[.sections[0].rows[] | select(.class == "A" and .segment == null)] | length')" "0"

test_case "stale: open deals idle for 30 days, people past their cadence"
run crm report stale --days 30 --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].rows[] | select(.type == "deal") | .id' | sort)" "$(expect stale-deals)"
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].rows[] | select(.type != "deal") | .id' | sort)" "$(expect stale-people)"
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].rows[].idle_days] | . == (sort | reverse)')" "true"
run crm report stale --limit 2 --format ids
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" "2"

test_case "activity over the last 7 days, by kind (planned meetings left out)"
run crm report activity --since -7d --by kind --format csv
expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tr -d '\r' | tail -n +2 | awk -F, '{print $1, $2}')" "$(expect activity 2026-11-16)"
run crm report activity --since -7d --by week --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].rows[].week] | join(" ")')" "2026-W47 2026-W48"
run crm report activity --by owner --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].totals[0].notes')" "$(( $(find notes -name '*.yaml' | wc -l) - 3 ))"

test_case "campaigns: members, responses, attributed deals"
run crm report campaigns --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].rows[0] | "\(.campaign) \(.members) \(.responses) \(.responders)"')" "Spring launch 6 4 4"

test_case "weekly: pipeline, forecast, activity and stale in one mail"
run crm report weekly --format markdown
expect_rc 0
expect_out_has "# Weekly report"
expect_out_has "## Open deals by stage"
expect_out_has "## Expected revenue by month of close"
expect_out_has "## Interactions by kind from 2026-11-16 to 2026-11-23"
expect_out_has "## Open deals without activity"
expect_out_has "| --- |"
expect_out_lacks "{{"
run crm report weekly --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[].name] | join(" ")')" "pipeline forecast activity stale"
run crm report weekly --format csv
expect_rc 2
expect_err_has "several tables"

test_case "html: one file, SVG charts that are XML, rendered by Chromium"
for r in pipeline forecast customers weekly; do
  run crm report "$r" --format html -o "$WORK/$r.html"
  expect_rc 0
  expect_out_empty
  expect_file "$WORK/$r.html"
  run $PY - "$WORK/$r.html" <<'PY'
import re, sys, xml.etree.ElementTree as ET
html = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", html, re.S)
assert svgs, "no svg"
for s in svgs: ET.fromstring(s)
assert "<link" not in html and "<script" not in html and "src=" not in html, "not self-contained"
print(len(svgs), "svg")
PY
  expect_rc 0
  expect_out_has "svg"
done
expect_file_has "$WORK/pipeline.html" "<polygon class=\"neck\""
expect_file_has "$WORK/customers.html" "<polyline class=\"curve\""
expect_file_has "$WORK/forecast.html" "class=\"bar2\""
# -o FILE picks the format from the extension
run crm report pipeline -o "$WORK/by-ext.html"
expect_rc 0
expect_file_has "$WORK/by-ext.html" "<!DOCTYPE html>"
expect_clean
if command -v chromium >/dev/null; then
  for r in pipeline customers; do
    rm -f "$WORK/$r.png"
    run_t 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1400 \
      --screenshot="$WORK/$r.png" "file://$WORK/$r.html"
    expect_rc 0
    [ -s "$WORK/$r.png" ] && pass || failed "chromium made no screenshot of $r.html"
    expect_err_lacks "Uncaught"
  done
else
  failed "chromium is missing: scripts/setup-debian.sh --test installs it"
fi

test_case "a terminal gets bars, a pipe does not"
run crm report pipeline
expect_rc 0
expect_out_lacks "█"
expect_out_has "total"
if command -v script >/dev/null; then
  run script -qec "COLUMNS=120 $CRM report pipeline" /dev/null
  expect_rc 0
  expect_out_has "█"
fi

# ---------------------------------------------------------------------------
test_case "an empty repository: every report is valid and empty"
new_repo empty
for r in pipeline forecast won activity stale customers campaigns weekly; do
  run crm report "$r" --format json
  expect_rc 0
  expect_eq "$(printf '%s' "$out" | jq -r '.report')" "$r"
done
run crm report campaigns --format csv
expect_rc 0
expect_eq "$(printf '%s' "$out" | tr -d '\r')" "campaign,id,status,start,members,responses,responders,deals,won,currency,revenue"
run crm report campaigns
expect_rc 0
expect_out_has "no campaigns yet"

test_case "currencies stay apart without rates; --currency is refused"
new_repo money
crm deal add "Euro deal" --amount 1000.10 --stage proposal >/dev/null
crm deal add "Dollar deal" --amount 500 --currency USD --stage proposal >/dev/null
run crm report pipeline --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].totals[] | "\(.currency) \(.amount) \(.weighted)"] | join(", ")')" \
  "EUR 1000.10 500.05, USD 500.00 250.00"
head=$(head_sha)
expect_refused 2 "crm.yaml has no rate for USD" crm report pipeline --currency EUR
expect_err_has "rates:"
expect_refused 2 "crm.yaml has no rate for GBP" crm report pipeline --currency GBP

test_case "with rates in crm.yaml, amounts are converted exactly"
printf 'rates:\n  USD: 0.90\n' >>crm.yaml
git commit -qam "rates"
run crm report pipeline --format json
expect_rc 0
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].totals[] | "\(.currency) \(.amount) \(.weighted)"] | join(", ")')" \
  "EUR 1450.10 725.05"
run crm report pipeline --currency USD --format json
expect_rc 0
# 1000.10 EUR / 0.90 = 1111.222222 (6 decimals, half even) + 500
expect_eq "$(printf '%s' "$out" | jq -r '.sections[0].totals[0] | "\(.currency) \(.amount)"')" "USD 1611.222222"
printf 'rates:\n  USD: lots\n' >>crm.yaml
run crm report pipeline
expect_rc 4
expect_err_has "crm.yaml:"
git checkout -q crm.yaml

# ---------------------------------------------------------------------------
test_case "bad input: unknown report, reversed window, options that do not apply"
expect_refused 2 "unknown report 'pipe'" crm report pipe
expect_err_has "pipeline, forecast, won, activity, stale, customers, campaigns, weekly"
expect_refused 2 "is after --until" crm report pipeline --since 2026-12-01 --until 2026-11-01
expect_refused 2 "--by" crm report pipeline --by month
expect_refused 2 "--pareto" crm report pipeline --pareto
expect_refused 2 "--days" crm report pipeline --days 3
expect_refused 2 "" crm report
expect_refused 4 "--since" crm report pipeline --since someday
expect_refused 2 "lists no records" crm report pipeline --format ids

test_case "bad input: a template with a syntax error in .crm/templates names the file"
mkdir -p .crm/templates
printf '# {{title}}\n{{#sections}}\n## {{title}}\n' >.crm/templates/report.markdown.mustache
run crm report pipeline --format markdown
expect_rc 4
expect_err_has ".crm/templates/report.markdown.mustache:2:1: unclosed section \"sections\""
expect_out_empty
printf 'PIPELINE {{title}}{{#sections}}|{{name}}{{/sections}}\n' >.crm/templates/pipeline.markdown.mustache
run crm report pipeline --format markdown
expect_rc 0
expect_out "PIPELINE Pipeline|pipeline"
rm -rf .crm

test_case "bad input: a hand-written non-numeric amount is reported by check and skipped"
id=zzbadamount1
mkdir -p deals/zz
printf 'title: Hand deal\nstage: proposal\namount: lots\ncurrency: EUR\n' >deals/zz/$id.yaml
run crm check
expect_rc 4
expect_out_has "deals/zz/$id.yaml:3:1: amount"
run crm report pipeline --format json
expect_rc 0
expect_err_has "Hand deal"
expect_err_has "amount 'lots' is not a number; skipped"
expect_eq "$(printf '%s' "$out" | jq -r '.skipped')" "1"
expect_eq "$(printf '%s' "$out" | jq -r '.notes[0]')" "1 deal skipped: the amount is not a number (crm check names it)"
expect_eq "$(printf '%s' "$out" | jq -r '[.sections[0].totals[] | "\(.currency) \(.amount)"] | join(", ")')" "EUR 1450.10"
run crm report pipeline
expect_rc 0
expect_out_has "note: 1 deal skipped"
rm -rf deals/zz

finish
