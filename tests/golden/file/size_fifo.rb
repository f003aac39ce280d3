# file.size of a FIFO is refused (stat says 0 bytes for a pipe or a device: that is no size).
# mode: run
# exit: 1
# expect: /fifo": it is a FIFO (named pipe), not a regular file
# expect: 19 |   let n = file.size(fifo)
# not-expect: after the error
runbook "file.size of a FIFO"

let dir = trim(sh("mktemp -d").stdout)
let fifo = "{dir}/fifo"

step "Make a FIFO" {
  sh("mkfifo {fifo}")
} rollback {
  sh("rm -rf {dir}")
}

step "Size of the FIFO" {
  let n = file.size(fifo)
  log("after the error {n}")
} rollback {
  log("nothing to undo")
}
