# file.read reads at most max_size bytes: a file of exactly max_size bytes is read, one of
# max_size + 1 bytes is an error that names the limit and how to raise it.
# mode: run
# exit: 1
# expect: read 1000 bytes
# expect: it is larger than the limit of 999 bytes (1000 bytes); pass max_size: (bytes, at most 268435455) to read more
# expect: 27 |   let s = file.read(p, max_size: 999)
# not-expect: after the error
runbook "file.read: max_size at N and N+1"

let dir = trim(sh("mktemp -d").stdout)
let p = "{dir}/data"

step "Write 1000 bytes" {
  sh("head -c 1000 /dev/zero | tr '\\0' x > {p}")
} rollback {
  sh("rm -rf {dir}")
}

step "Read them with max_size: 1000" {
  let s = file.read(p, max_size: 1000)
  log("read {len(s)} bytes")
}

step "Read them with max_size: 999" {
  # the error is at the call
  let s = file.read(p, max_size: 999)
  log("after the error {len(s)}")
} rollback {
  log("nothing to undo")
}
