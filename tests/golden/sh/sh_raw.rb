# {expr:raw} opts out of quoting: the text is inserted as shell code.
# exit: 0
# expect: raw ok
runbook "sh raw interpolation"

step "raw" {
  let pipeline = "printf 'a\\nb\\n' | wc -l"
  let r = sh("{pipeline:raw}")
  expect trim(r.stdout) == "2"
  let q = sh("printf %s {pipeline}")
  expect q.stdout == pipeline
  log("raw ok")
} rollback {
  log("nothing to undo")
}
