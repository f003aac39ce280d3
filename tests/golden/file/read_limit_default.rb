# Without max_size:, file.read reads at most 64 MiB (like an HTTP body): a file of exactly
# 64 MiB is read, one byte more is an error; max_size: raises the limit.
# mode: run
# exit: 1
# expect: read 67108864 bytes
# expect: with max_size: 67108865 bytes
# expect: it is larger than the limit of 64 MiB (67108865 bytes); pass max_size: (bytes, at most 268435455) to read more
# expect: 28 |   let s = file.read(p)
# not-expect: after the error
runbook "file.read: the default limit at N and N+1"

let dir = trim(sh("mktemp -d").stdout)
let p = "{dir}/data"

step "Write 64 MiB" {
  sh("head -c 67108864 /dev/zero > {p}")
} rollback {
  sh("rm -rf {dir}")
}

step "Read 64 MiB" {
  log("read {len(file.read(p))} bytes")
}

step "One byte more" {
  sh("printf x >> {p}")
  log("with max_size: {len(file.read(p, max_size: 67108865))} bytes")
  let s = file.read(p)
  log("after the error {len(s)}")
} rollback {
  log("nothing to undo")
}
