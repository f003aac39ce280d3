# --dry-run: a value from a skipped write assigned into a map is unverified when read back; the
# other entries are checked for real. A container or key from a skipped write makes the result
# unverified.
# args: --dry-run
# expect: unverified expect state.out == "deployed\n"
# expect: ok     expect state.name == "api"
# expect: unverified expect by_key["x"] == 1
# expect: GO
runbook "item assignment in a dry run"

step "Deploy" {
  let state = {name: "api"}
  let r = sh("echo deployed")
  state.out = r.stdout
  expect state.out == "deployed\n"
  expect state.name == "api"
  let by_key = {}
  by_key[r.stdout] = 1
  expect by_key["x"] == 1
} rollback {
  log("undo")
}
