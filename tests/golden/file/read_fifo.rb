# file.read of a FIFO that nobody writes to is refused at once, naming what the path is. (It
# used to open the FIFO and wait for a writer forever: the step's timeout and the first
# SIGTERM did not stop that open.) file.exists says yes: the path exists.
# mode: run
# exit: 1
# expect: exists: true
# expect: /fifo": it is a FIFO (named pipe), not a regular file
# expect: 25 |   let s = file.read(fifo)
# expect: rollback ok Read the FIFO
# not-expect: after the error
runbook "file.read of a FIFO"

let dir = trim(sh("mktemp -d").stdout)
let fifo = "{dir}/fifo"

step "Make a FIFO" {
  sh("mkfifo {fifo}")
  log("exists: {file.exists(fifo)}")
} rollback {
  sh("rm -rf {dir}")
}

step "Read the FIFO" timeout 5s {
  # refused at the call, at once (before: a hang the timeout did not end)
  let s = file.read(fifo)
  log("after the error {s}")
} rollback {
  log("nothing to undo")
}
