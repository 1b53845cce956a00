#!/usr/bin/python3
# Driver for t610-sync-random.sh: random concurrent edits in three clones of one
# bare remote, synced in random order; then everything must converge and no edit
# may be lost (each one is either the field's value or recorded under `conflicts:`).
#
# Usage: t610-sync-random.py WORK RESULTS
#   WORK     an empty scratch directory (lib.sh's $WORK)
#   RESULTS  a file this writes one line per check to: "pass\tCASE\tMESSAGE" or
#            "fail\tCASE\tMESSAGE\tDETAILS" (DETAILS with \n escaped as \\n)
# Environment: CRM (the binary; its directory is on PATH), CRM_SYNC_SEED (the
# random seed; 610 when unset), CRM_SYNC_STEPS (the number of steps; 200).
# Progress and the seed go to stderr. The exit status is 0 even when checks fail
# (they are in RESULTS); it is not 0 only when the driver itself broke.
import os
import random
import re
import subprocess
import sys
import time

import yaml

CRM = os.environ["CRM"]
WORK = sys.argv[1]
RESULTS = open(sys.argv[2], "w", encoding="utf-8")
SEED = int(os.environ.get("CRM_SYNC_SEED") or 610)
STEPS = int(os.environ.get("CRM_SYNC_STEPS") or 200)
REMOTE = os.path.join(WORK, "remote.git")
CLONES = ["A", "B", "C"]
AUTHORS = {"A": "Alice", "B": "Bob", "C": "Carol"}
SCALARS = ["title", "department"]

rng = random.Random(SEED)
case = "(setup)"
fail_counts = {}


def esc(s):
    return str(s).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def ok(msg):
    RESULTS.write("pass\t%s\t%s\n" % (esc(case), esc(msg)))
    RESULTS.flush()


def bad(msg, details=""):
    RESULTS.write("fail\t%s\t%s\t%s\n" % (esc(case), esc(msg), esc(details + "\nreproduce: CRM_SYNC_SEED=%d" % SEED)))
    RESULTS.flush()


def check(cond, msg, details=""):
    if cond:
        ok(msg)
    else:
        bad(msg, details)
    return cond


def env_of(clone):
    e = dict(os.environ)
    if clone in AUTHORS:
        who = AUTHORS[clone]
        e.update(GIT_AUTHOR_NAME=who, GIT_COMMITTER_NAME=who,
                 GIT_AUTHOR_EMAIL=who.lower() + "@example.com", GIT_COMMITTER_EMAIL=who.lower() + "@example.com")
    return e


def run(clone, *args, timeout=120):
    """Runs ARGS in the clone's directory as its author; returns (rc, stdout, stderr)."""
    cwd = os.path.join(WORK, clone) if clone else WORK
    try:
        p = subprocess.run(list(args), cwd=cwd, env=env_of(clone), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return 124, e.stdout or "", "timed out after %ss: %s" % (timeout, " ".join(args))
    return p.returncode, p.stdout, p.stderr


def git(clone, *args):
    rc, out, err = run(clone, "git", *args)
    if rc != 0:
        raise RuntimeError("git %s in %s failed (%d): %s" % (" ".join(args), clone, rc, err))
    return out.strip()


def crm(clone, *args):
    return run(clone, CRM, *args)


def head(clone):
    return git(clone, "rev-parse", "HEAD")


def remote_head():
    return git(None, "--git-dir=" + REMOTE, "rev-parse", "refs/heads/main")


def ancestry(clone):
    return set(git(clone, "rev-list", "HEAD").split())


def rec_path(rid):
    return "contacts/%s/%s.yaml" % (rid[:2], rid)


def load(clone, rid):
    with open(os.path.join(WORK, clone, rec_path(rid)), encoding="utf-8") as f:
        d = yaml.safe_load(f)
    if not isinstance(d, dict):
        raise ValueError("%s in %s is not a map" % (rec_path(rid), clone))
    return d


def conflict_values(rec, field):
    entries = (rec.get("conflicts") or {}).get(field) or []
    return [str(e.get("value")) if isinstance(e, dict) else repr(e) for e in entries]


def tags_of(rec):
    return [str(t) for t in (rec.get("tags") or [])]


def short(c):
    return c[:8] if c else "-"


# ---------------------------------------------------------------------------
t0 = time.time()
print("t610: seed %d (set CRM_SYNC_SEED to change it), %d steps" % (SEED, STEPS), file=sys.stderr)

case = "setup: a remote, clone A with contacts, clones B and C"
git(None, "init", "-q", "--bare", REMOTE)
rc, out, err = run(None, CRM, "init", os.path.join(WORK, "A"), "--remote", REMOTE, "-q")
if not check(rc == 0, "crm init A --remote exits 0", "rc=%d\n%s%s" % (rc, out, err)):
    sys.exit(0)
names = ["Ana García", "Luis Pérez", "Marta Ruiz", "Jon Ander", "Pilar Soto", "Iker Mendi", "Sara Gil", "Tomás Vidal"]
ids = []
for i, name in enumerate(names):
    rc, out, err = crm("A", "contact", "add", name, "--email", "p%d@example.com" % i)
    if rc != 0 or not re.fullmatch(r"[0-9a-z]{8,32}", out.strip()):
        bad("crm contact add %s prints its id" % name, "rc=%d\n%s%s" % (rc, out, err))
        sys.exit(0)
    ids.append(out.strip())
rc, out, err = crm("A", "contact", "list", "--format", "ids")
check(sorted(out.split()) == sorted(ids), "contact list --format ids lists the %d contacts" % len(ids), out + err)
rc, out, err = crm("A", "sync", "-q")
if not check(rc == 0, "first sync of A exits 0", "rc=%d\n%s%s" % (rc, out, err)):
    sys.exit(0)
for c in ["B", "C"]:
    rc, out, err = run(None, CRM, "clone", "-q", REMOTE, os.path.join(WORK, c))
    if not check(rc == 0, "crm clone %s exits 0" % c, "rc=%d\n%s%s" % (rc, out, err)):
        sys.exit(0)
check(len({head(c) for c in CLONES}) == 1, "the three clones start at the same commit")

# ---------------------------------------------------------------------------
# The random steps. Bookkeeping:
#   writes: scalar writes {step, clone, rid, field, value, commit, superseded_by}
#   tag_adds[tag] = {step, clone, rid, commit, superseded_by}; tag_rms[tag] = {step, clone, rid, commit}
#   history: every step, for the failure reports
writes = []
tag_adds = {}
tag_rms = {}
history = []
sync_rcs = {}
bad_syncs = []
bad_edits = []


def history_of(rid):
    """The steps that touched contact RID and every sync: what a failure report shows."""
    lines = [h["text"] for h in history if h.get("rid") in (None, rid)]
    return "history of %s and the syncs (the last 150 steps):\n%s" % (rid, "\n".join(lines[-150:]))


def explain(problems):
    """PROBLEMS: (text, rid) pairs; all the texts, then the history of the first one's record."""
    if not problems:
        return ""
    return "\n".join(t for t, _ in problems[:10]) + "\n" + history_of(problems[0][1])


def do_sync(clone, label):
    before = head(clone)
    rc, out, err = crm(clone, "sync", "-q")
    sync_rcs[rc] = sync_rcs.get(rc, 0) + 1
    after = head(clone)
    m = re.search(r"with (\d+) conflicts? to resolve", err)
    history.append({"text": "%s: sync %s -> rc %d%s, %s..%s" % (label, clone, rc, " (%s conflicts)" % m.group(1) if m else "",
                                                             short(before), short(after))})
    problems = []
    if rc not in (0, 5):
        problems.append("exit %d" % rc)
    status = git(clone, "status", "--porcelain")
    if status:
        problems.append("git status not clean: " + status)
    if rc in (0, 5) and after != remote_head():
        problems.append("HEAD %s is not the remote's %s after the sync" % (short(after), short(remote_head())))
    if problems:
        bad_syncs.append("%s: crm sync -q in %s: %s\n  stdout: %s\n  stderr: %s" %
                         (label, clone, "; ".join(problems), out.strip()[:400], err.strip()[:600]))
    return before != after


def edit(clone, step, rid, args, what):
    label = "step %d" % step
    before = head(clone)
    rc, out, err = crm(clone, "contact", "set", rid, *args)
    after = head(clone)
    if rc != 0 or after == before:
        bad_edits.append("%s: crm contact set %s %s in %s: rc %d, HEAD %s -> %s\n  stderr: %s" %
                         (label, rid, " ".join(args), clone, rc, short(before), short(after), err.strip()[:400]))
    history.append({"rid": rid, "text": "%s: %s %s in %s (%s) -> %s, rc %d" %
                    (label, what, rid, clone, " ".join(args), short(after), rc)})
    return after if rc == 0 and after != before else None


case = "random edits and syncs"
n_edits = n_syncs = n_removals = 0
for step in range(1, STEPS + 1):
    clone = rng.choice(CLONES)
    label = "step %d" % step
    if rng.random() < 0.25:
        do_sync(clone, label)
        n_syncs += 1
        continue
    rid = rng.choice(ids)
    kind = rng.random()
    if kind < 0.30:
        field, value = "title", "T%d" % step
    elif kind < 0.55:
        field, value = "department", "D%d" % step
    else:
        field, value = None, None
    if field:
        # Writes this clone has already seen are overwritten on purpose: superseded.
        ancestors = ancestry(clone)
        earlier = [w for w in writes if w["superseded_by"] is None and w["rid"] == rid and w["field"] == field
                   and w["commit"] in ancestors]
        args = ["--title", value] if field == "title" else [field + "=" + value]
        c = edit(clone, step, rid, args, "set %s=%s on" % (field, value))
        if c:
            for w in earlier:
                w["superseded_by"] = label
            writes.append({"step": step, "clone": clone, "rid": rid, "field": field, "value": value, "commit": c,
                           "superseded_by": None})
        n_edits += 1
        continue
    visible = [t for t in tags_of(load(clone, rid)) if t in tag_adds and t not in tag_rms]
    if visible and kind > 0.85:
        tag = rng.choice(visible)
        add = tag_adds[tag]
        seen_add = add["commit"] in ancestry(clone)
        c = edit(clone, step, rid, ["--rm-tag", tag], "remove tag %s from" % tag)
        if c:
            if seen_add:
                add["superseded_by"] = label
            tag_rms[tag] = {"step": step, "clone": clone, "rid": rid, "commit": c}
        n_removals += 1
    else:
        tag = "e%d" % step
        c = edit(clone, step, rid, ["--add-tag", tag], "add tag %s to" % tag)
        if c:
            tag_adds[tag] = {"step": step, "clone": clone, "rid": rid, "commit": c, "superseded_by": None}
    n_edits += 1

ok("%d steps ran: %d edits (%d tag removals), %d syncs" % (STEPS, n_edits, n_removals, n_syncs))
check(not bad_edits, "every edit exits 0 and commits", "\n".join(bad_edits[:10]))

# ---------------------------------------------------------------------------
case = "final syncs converge"
rounds = 0
converged = False
while rounds < 6 and not converged:
    rounds += 1
    changed = False
    for c in CLONES:
        changed = do_sync(c, "final round %d" % rounds) or changed
    converged = not changed
check(converged, "a round of syncs of A, B, C changes nothing (after %d rounds)" % rounds,
      "\n".join(h["text"] for h in history if "final" in h["text"]))
case = "sync exit codes"
check(not bad_syncs, "every crm sync exits 0 or 5, leaves a clean tree and pushes (%s)" %
      ", ".join("rc %d: %d" % kv for kv in sorted(sync_rcs.items())), "\n".join(bad_syncs[:10]))

case = "identical clones"
heads = {c: head(c) for c in CLONES}
check(len(set(heads.values())) == 1 and heads["A"] == remote_head(), "A, B, C and the remote have the same HEAD",
      " ".join("%s=%s" % (c, short(h)) for c, h in heads.items()) + " remote=" + short(remote_head()))
indexes = {c: git(c, "ls-files", "-s") for c in CLONES}
check(len(set(indexes.values())) == 1, "git ls-files -s is the same in A, B and C")
for c in CLONES:
    st = git(c, "status", "--porcelain")
    check(st == "", "git status --porcelain is empty in " + c, st)


def tree_files(c):
    root = os.path.join(WORK, c)
    out = {}
    for rid in ids:
        p = os.path.join(root, rec_path(rid))
        out[rid] = open(p, "rb").read() if os.path.exists(p) else None
    return out


files = {c: tree_files(c) for c in CLONES}
check(files["A"] == files["B"] == files["C"], "the contact files are byte for byte the same in A, B and C")
check(all(files["A"][r] is not None for r in ids), "every contact file still exists")

# ---------------------------------------------------------------------------
case = "no edit lost"
final = {c: {rid: load(c, rid) for rid in ids} for c in CLONES}
rec = final["A"]
live = [w for w in writes if w["superseded_by"] is None]
lost = []
for w in live:
    r = rec[w["rid"]]
    here = str(r.get(w["field"])) if r.get(w["field"]) is not None else None
    if here != w["value"] and w["value"] not in conflict_values(r, w["field"]):
        lost.append(("step %d (%s, commit %s): %s %s=%s is neither the value (%s) nor under conflicts (%s)" % (
            w["step"], w["clone"], short(w["commit"]), w["rid"], w["field"], w["value"], here,
            conflict_values(r, w["field"])), w["rid"]))
check(not lost, "each of the %d scalar writes not overwritten by a later one (of %d) is the value or under conflicts"
      % (len(live), len(writes)), explain(lost))

missing_tags = []
for tag, a in tag_adds.items():
    if a["superseded_by"] is None and tag not in tags_of(rec[a["rid"]]):
        missing_tags.append(("step %d (%s, commit %s): tag %s added to %s is gone" % (
            a["step"], a["clone"], short(a["commit"]), tag, a["rid"]), a["rid"]))
check(not missing_tags, "each of the %d tags added and not removed is there" %
      sum(1 for a in tag_adds.values() if a["superseded_by"] is None), explain(missing_tags))
back_tags = []
for tag, m in tag_rms.items():
    if tag in tags_of(rec[m["rid"]]):
        back_tags.append(("step %d (%s, commit %s): tag %s removed from %s is back" % (
            m["step"], m["clone"], short(m["commit"]), tag, m["rid"]), m["rid"]))
check(not back_tags, "each of the %d tags removed is gone" % len(tag_rms), explain(back_tags))
strays = []
for rid in ids:
    for t in tags_of(rec[rid]):
        if t not in tag_adds or tag_adds[t]["rid"] != rid:
            strays.append("%s has tag %s that was never added to it" % (rid, t))
    for f in SCALARS:
        v = rec[rid].get(f)
        known = {w["value"] for w in writes if w["rid"] == rid and w["field"] == f}
        for x in ([str(v)] if v is not None else []) + conflict_values(rec[rid], f):
            if x not in known:
                strays.append("%s has %s value %s that no write made to it" % (rid, f, x))
check(not strays, "no value or tag appears that was not written to that record", "\n".join(strays[:10]))

# ---------------------------------------------------------------------------
case = "crm check lists the conflicts"
yaml_conflicts = set()
for rid in ids:
    for f, entries in (rec[rid].get("conflicts") or {}).items():
        if entries:
            yaml_conflicts.add((rec_path(rid), str(f)))
# Two writes to one field that no later write saw both of: the record must keep both values.
must = set()
for rid in ids:
    for f in SCALARS:
        if sum(1 for w in live if w["rid"] == rid and w["field"] == f) >= 2:
            must.add((rec_path(rid), f))
print("t610: seed %d: %d conflicting fields at the end, %d fields with concurrent writes left, "
      "sync exit codes %s" % (SEED, len(yaml_conflicts), len(must), sync_rcs), file=sys.stderr)
odd = sorted(must ^ yaml_conflicts)
check(must == yaml_conflicts, "the fields with conflicts: are exactly the %d with two or more writes no later write saw"
      % len(must), "fields with such writes, no conflicts: %s\nfields with conflicts, no such writes: %s\n%s" % (
          sorted(must - yaml_conflicts), sorted(yaml_conflicts - must),
          history_of(odd[0][0].split("/")[2][:-5]) if odd else ""))
line_re = re.compile(r"^(\S+\.yaml):\d+:\d+: conflict: (\S+) was changed differently on two sides")
for c in CLONES:
    rc, out, err = crm(c, "check")
    listed = set()
    others = []
    for line in out.splitlines():
        m = line_re.match(line)
        if m:
            listed.add((m.group(1), m.group(2)))
        elif line.strip():
            others.append(line)
    want_rc = 5 if yaml_conflicts else 0
    check(rc == want_rc, "crm check in %s exits %d" % (c, want_rc), "rc=%d\nstdout: %s\nstderr: %s" % (rc, out[:800], err[:400]))
    check(listed == yaml_conflicts, "crm check in %s lists exactly the %d fields with conflicts:" % (c, len(yaml_conflicts)),
          "listed, not in files: %s\nin files, not listed: %s" % (sorted(listed - yaml_conflicts), sorted(yaml_conflicts - listed)))
    check(not others, "crm check in %s reports nothing but conflicts" % c, "\n".join(others[:10]))

# ---------------------------------------------------------------------------
case = "the search index followed the merges"
titled = [(rid, str(rec[rid]["title"])) for rid in ids if rec[rid].get("title") is not None]
check(bool(titled), "some contact has a title at the end")
for c in CLONES:
    wrong = []
    for rid, title in titled:
        rc, out, err = crm(c, "search", "title:" + title, "--format", "ids")
        if rc != 0 or out.split() != [rid]:
            wrong.append("crm search title:%s --format ids: rc %d, got %s, want %s %s" % (title, rc, out.split(), rid, err.strip()[:200]))
    check(not wrong, "crm search title:T... in %s finds each of the %d final titles" % (c, len(titled)), "\n".join(wrong[:5]))
    # Overwritten titles are gone from the index.
    gone = [w for w in writes if w["field"] == "title" and str(rec[w["rid"]].get("title")) != w["value"]]
    stale = []
    for w in gone[:10]:
        rc, out, err = crm(c, "search", "title:" + w["value"], "--format", "ids")
        if out.split():
            stale.append("crm search title:%s finds %s though no contact has that title" % (w["value"], out.split()))
    check(not stale, "crm search in %s no longer finds overwritten titles" % c, "\n".join(stale[:5]))

print("t610: seed %d done in %.1f s" % (SEED, time.time() - t0), file=sys.stderr)
