# A passing expectation shows its message after the condition, as README.md shows (issue 15);
# one without a message shows the condition alone. A failing one keeps its message too.
# mode: run
# exit: 1
# expect: ok     expect n + 1 == 3 — the sum is right
# expect: ok     expect n > 1
# expect: FAILED expect n > 5 — n is small
# expect: expect_message_passing.rb:16:10: error: expectation failed: n > 5 — n is small
runbook "passing expects"

let n = 2

step "Check" {
  expect n + 1 == 3, "the sum is right"
  expect n > 1
  expect n > 5, "n is small"
}
