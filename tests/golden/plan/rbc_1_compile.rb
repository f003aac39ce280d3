# Compiles modules.rb (and the module it uses) to data/modules.rbc for rbc_2_plan.rb, which
# sorts, and so runs, after this file. The artifact is deterministic: the committed file does
# not change.
# file: modules.rb
# mode: compile
# args: -o data/modules.rbc
# expect: wrote data/modules.rbc
