# --answers FILE: NAME=value lines (as --env-file: comments, quotes). A confirm answered no
# stops the run (exit 2); the command line wins over the file.
# args: --answers data/plain.txt --answer ticket=CHG-1
# exit: 2
# expect: gate   Change ticket? -> CHG-1 (--answer)
# expect: gate   Go ahead? -> no (--answers data/plain.txt)
# not-expect: log    after
runbook "Answers from a file"

step "Ask" {
  let ticket = ask("Change ticket?")
  confirm("Go ahead?", name: "go")
  log("after {ticket}")
}
