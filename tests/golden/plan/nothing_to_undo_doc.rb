# `runbook doc` of nothing_to_undo.rb: the empty rollback block is "nothing to undo".
# file: nothing_to_undo.rb
# mode: doc
# exit: 0
# expect: | 1 | Back up | nothing to undo |
# expect: | 2 | Migrate | rolled back |
# expect: - Nothing to undo (an empty rollback block): the rollback passes over this step.
# expect: 2. Step 1, Back up: nothing to undo (an empty rollback block)
