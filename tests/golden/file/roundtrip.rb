# file.exists / size / read / write / sha256 round trips in a scratch directory.
# expect: missing before: false
# expect: read back: hello
# expect: size after write: 12
# expect: sha256 4a1e67f2fe1d1cc7b31d0ca2ec441da4778203a036a77da10344c85e24ff0f92
# expect: replaced: v2 (2 bytes)
# expect: empty sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
# exit: 0
runbook "file builtins: round trips"

let dir = trim(sh("mktemp -d").stdout)
let p = "{dir}/notes.txt"

step "Missing before writing" {
  expect not file.exists(p)
  log("missing before: {file.exists(p)}")
}

step "Write and read back" {
  file.write(p, "hello\nworld\n")
  expect file.exists(p)
  expect file.size(p) == 12
  expect file.read(p) == "hello\nworld\n"
  let first = split(file.read(p), "\n")[0]
  log("read back: {first}")
  log("size after write: {file.size(p)}")
} rollback {
  sh("rm -f {p}")
}

step "Digest" {
  expect file.sha256(p) == "4a1e67f2fe1d1cc7b31d0ca2ec441da4778203a036a77da10344c85e24ff0f92"
  expect len(file.sha256(p)) == 64
  log("sha256 {file.sha256(p)}")
}

step "Replace atomically" {
  file.write(p, "v2")
  expect file.read(p) == "v2"
  expect file.sha256(p) == "fb04dcb6970e4c3d1873de51fd5a50d7bb46b3383113602665c350ec40b5f990"
  log("replaced: {file.read(p)} ({file.size(p)} bytes)")
  file.write(p, "")
  expect file.size(p) == 0
  expect file.read(p) == ""
  log("empty sha256 {file.sha256(p)}")
} rollback {
  file.write(p, "hello\nworld\n")
}

step "A directory exists but is not a file" {
  expect file.exists(dir)
}

step "Clean up" {
  sh("rm -rf {dir}")
  expect not file.exists(dir)
} irreversible "removes the scratch directory"
