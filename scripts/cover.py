#!/usr/bin/env python3
"""Move the cover letter's text between patches/0000-cover-letter.patch and
the branch description of the kernel tree.

  cover.py extract COVER   print the branch description (subject paragraph,
                           blank line, blurb) held in a cover letter
"""
import email
import email.policy
import re
import sys


def extract(path):
    with open(path, encoding="utf-8") as f:
        msg = email.message_from_file(f, policy=email.policy.compat32)
    subject = " ".join(str(msg["Subject"]).split())
    subject = re.sub(r"^\[[^]]*PATCH[^]]*\]\s*", "", subject)
    body = msg.get_payload()
    lines = body.split("\n")
    # The blurb ends where git's shortlog starts: "Author Name (N):".
    end = len(lines)
    for i, line in enumerate(lines):
        if re.match(r"^\S.* \(\d+\):$", line) and i + 1 < len(lines) \
                and lines[i + 1].startswith("  "):
            end = i
            break
    blurb = "\n".join(lines[:end]).strip("\n")
    sys.stdout.write(subject + "\n\n" + blurb + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "extract":
        extract(sys.argv[2])
    else:
        sys.exit(__doc__)
