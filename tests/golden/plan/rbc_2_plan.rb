# A plan of an artifact: the .rbc embeds every source; they are recompiled and the result must
# be byte-identical to the file (same SHA-256), so the plan describes exactly what `run` executes.
# file: data/modules.rbc
# mode: plan
# exit: 0
# expect: Plan: Modules
# expect: file      data/modules.rbc  (recompiled from its embedded sources: identical bytes)
# expect: write  sh         systemctl restart {"api.service"}  (timeout: 1m; via h.restart; lib/helpers.rb:6)
