# An artifact whose bytes its embedded sources do not reproduce (here: data/modules.rbc with its
# title constant edited and the checksum recomputed, as a different compiler would have built
# it) has no plan: planning its sources would describe something else than what runs.
# file: data/tampered.rbc
# mode: plan
# exit: 65
# not-expect: Plan:
# expect: data/tampered.rbc: error: cannot plan exactly this artifact
# expect: hint: run `runbook plan` on the .rb it was compiled from, or recompile it with `runbook compile`
