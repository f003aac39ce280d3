# A call that raised an error in the last poll of a `within` shows the error as its value
# (not `(not evaluated)`); what encloses it did not get a value; what ran before has its own.
# The fn runs an expect of its own before it raises: its values do not shift the caller's.
# exit: 1
# expect: FAILED expect len(probe(service, path)) > 0 — still not true when the `within` time ran out (last error: file.read: cannot open "/nonexistent/health": No such file or directory)
# expect:            len(probe(service, path)) > 0 = (not evaluated)
# expect:            len(probe(service, path)) = (not evaluated)
# expect:            probe(service, path) = error: file.read: cannot open "/nonexistent/health": No such file or directory
# expect:            service = "api"
# expect:            path = "/nonexistent/health"
runbook "evidence: an error raised in a within poll"

fn probe(name, p) {
  expect name != "" and len(p) > 1
  return file.read(p)
}

step "Probe" {
  let service = "api"
  let path = "/nonexistent/health"
  expect len(probe(service, path)) > 0 within 50ms every 10ms
}
