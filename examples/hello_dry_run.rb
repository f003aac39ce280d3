# The dry run of hello.rb: the read-only greeting runs for real and is verified; the note, its
# checks and the tidy-up are writes and the checks after them, shown and unverified.
# This file holds only the annotations: `# file:` runs hello.rb.
# file: hello.rb
# args: --dry-run
# args: --yes --param name=operator
# exit: 0
# expect: Hello, runbook (3 steps) — DRY RUN: writes are shown, not done
# expect: ok     expect out.stdout == "{greeting(name)}\n"
# expect: unverified expect file.exists(note)
# expect: == GO: 3 ok, 0 skipped — dry run: 1 check verified, 3 unverified, 0 already fail
