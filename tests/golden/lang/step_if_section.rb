# A step whose `if` is false is skipped; sections group steps in the output.
# expect: ## Preparation
# expect: [1/3] ok check
# expect: [2/3] skipped optional: its `if` condition is false
# expect: ## Main
# expect: [3/3] ok main
# expect: == GO: 2 ok, 1 skipped
# not-expect: never printed
runbook "step if and sections"

let mode = "fast"

section "Preparation" {
  step "check" {
    log("checking")
  }
  step "optional" if mode == "slow" {
    log("never printed")
  }
}
section "Main" {
  step "main" if mode == "fast" {
    log("main work")
  }
}
