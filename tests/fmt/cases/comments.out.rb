# The header comment
# of the file.

runbook "Comments"  # trailing on the title
param a = 1         # one
param bb = 22       # two
param ccc = 333     # three

param d = 4

# about the step, right above it
step "first" {
  # first line of the body
  let x = 1  # x

  let y = 2  # y
  # last line of the body
}

step "second" {
  log("x")
}
# an orphan comment

# about the section
section "Section" {
  step "inner one" {
    log("a")
  }

  step "inner two" {
    log("b")
  }  # after the block
}
# the end of the file
