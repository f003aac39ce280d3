# A failed expect shows its source text, its message and the value of each sub-expression.
# exit: 1
# expect: FAILED expect len(names) + extra == limit * 2 — need exactly {limit * 2}, have 5
# expect: len(names) + extra == limit * 2 = false
# expect: len(names) + extra = 5
# expect: len(names) = 3
# expect: limit * 2 = 8
# expect: names = ["a", "b", "c"]
# expect: extra = 2
# expect: limit = 4
# expect: expect_message.rb:20:10: error: expectation failed
# expect: [1/1] FAILED count
runbook "expect with a message"

let names = ["a", "b", "c"]
let extra = 2
let limit = 4

step "count" {
  expect len(names) + extra == limit * 2, "need exactly \{limit * 2\}, have {len(names) + extra}"
}
