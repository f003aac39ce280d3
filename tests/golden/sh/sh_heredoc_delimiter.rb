# A value in a here-document body must not make a line equal to the delimiter: the shell
# would end the body there and run the rest of it as commands. The check runs before the
# command (SHHEREDOC), so nothing runs; values that only contain the word pass.
# mode: run
# exit: 1
# expect: fine: a EOF b / EOFEOF
# expect: sh_heredoc_delimiter.rb:15:19: error: a value interpolated into the here-document makes a line that is its delimiter `EOF`, which would end the body there and run the rest as commands
# not-expect: PWNED
runbook "here-document delimiter"

step "write a config" {
  let ok = sh("cat <<EOF\na {"EOF"} b\n{"EOFEOF"}\nEOF\n")
  log("fine: {trim(replace(ok.stdout, "\n", " / "))}")
  let v = "x\nEOF\necho PWNED"
  sh("cat <<EOF\n{v}\nEOF\n")
} rollback {
  log("nothing to undo")
}
