# A tiny tour of the language that needs no services: params, a function, steps with
# expectations, a shell command whose interpolated value is shell-quoted, a file written and
# checked, a read-only command, a confirmation gate (answered by --yes), and a rollback block.
#   runbook run examples/hello.rb --yes --param name=world
# args: --yes --param name=operator
# exit: 0
# expect: Hello, operator!
# expect: GO: 3 ok
runbook "Hello, runbook"

param name = "world"
param greeting_count: int = 3

let dir = trim(sh("mktemp -d").stdout)  # top-level code runs before the first step
let note = "{dir}/hello.txt"

fn greeting(who) {
  return "Hello, {who}!"
}

step "Say hello" {
  let out = sh("printf '%s\\n' {greeting(name)}", read_only: true)  # shell-quoted; a read: no rollback
  expect out.stdout == "{greeting(name)}\n"
  log(trim(out.stdout))
}

step "Write a note" {
  let lines = []
  for i in 1..greeting_count {
    lines = lines + ["{i}: {greeting(name)}"]
  }
  file.write(note, join(lines, "\n") + "\n")
  expect file.exists(note)
  expect len(split(trim(file.read(note)), "\n")) == greeting_count
} rollback {
  sh("rm -f {note}")
}

step "Tidy up" {
  confirm("Remove {dir}?")
  sh("rm -rf {dir}")
  expect not file.exists(dir)
} irreversible "the note is deleted"
