#!/usr/bin/env python3
"""Give a generated bench repository a declared type shaped like its deals.

    bench/declared.py DIR

Declares `project` in DIR/crm.yaml (the fields of a deal that a declared type can have:
title, company, contacts, owner, a choice status, amount, currency, close, source, tags,
notes) and writes one project per deal, with the deal's values, in the form crm writes
them, then commits. bench/ab.sh times `crm project ...` beside `crm deal ...` on it: a
declared type should cost no more than a built-in one.
"""
import os
import re
import subprocess
import sys

DECL = """types:
  project:
    title: title
    fields:
      title: {kind: line, required: true}
      company: {kind: ref, to: company}
      contacts: {kind: refs, to: contact}
      owner: line
      status: {kind: choice, choices: [lead, qualified, proposal, negotiation, won, lost], default: lead}
      amount: money
      currency: currency
      close: date
      source: line
      tags: tags
      notes: text
    list: [title, company, status, amount, currency, close, owner]
"""


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "crm.yaml"), encoding="utf-8") as f:
        cfg = f.read()
    if "types:" not in cfg:
        with open(os.path.join(root, "crm.yaml"), "a", encoding="utf-8") as f:
            f.write(DECL)
    n = 0
    for dirpath, _, files in os.walk(os.path.join(root, "deals")):
        for name in files:
            text = open(os.path.join(dirpath, name), encoding="utf-8").read()
            text = re.sub(r"^stage: ", "status: ", text, flags=re.M)
            text = re.sub(r"^stage_history:\n(  .*\n|    .*\n)*", "", text, flags=re.M)
            text = re.sub(r"^(probability|lost_reason): .*\n", "", text, flags=re.M)
            # Another id: the deal's, its first letter moved on (ids are 0-9a-z).
            pid = chr(ord(name[0]) + 1 if name[0] not in "9z" else ord("0")) + name[1:]
            out = os.path.join(root, "projects", pid[:2])
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, pid), "w", encoding="utf-8") as f:
                f.write(text)
            n += 1
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "bench: %d projects, a declared type" % n], check=True)
    print("declared.py: %d projects" % n)


if __name__ == "__main__":
    main()
