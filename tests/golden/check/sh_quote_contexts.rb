# Where an {expr} of a sh() command literal stands decides how it is quoted; the contexts that
# no quoting makes safe are refused at the hole, with the safe spelling (docs/shell.md).
let x = "v"
step "contexts" {
  sh("echo '{x}' \"{x}\" $(echo {x}) \"$(echo '{x}')\"")
  sh("cat <<EOF\n{x}\nEOF\n")
  sh("cat <<'EOF'\n{x}\nEOF\n")
  sh("echo `echo {x}`")  # expect error: `{x}` is inside backquotes (`...`), where no quoting of the value is safe
  sh("echo $(( {x} + 1 ))")  # expect error: `{x}` is inside $((...)): the shell would evaluate the value as arithmetic
  sh("echo $\{V:-{x}\}")  # expect error: `{x}` is inside ${...}, where shells differ on how quotes are read
  sh("echo done # {x}")  # expect error: `{x}` is in a shell comment: a newline in the value would end the comment
  sh("cat <<{x}\nbody\nEND\n")  # expect error: `{x}` is in a here-document's delimiter word
  sh("echo ${x}")  # expect error: `{x}` comes right after a `$`: the shell would expand the quoted value
  sh("echo \"\\{x}\"")  # expect error: `{x}` comes right after a `\`, which would escape the quote
  sh("echo $'{x}'")  # expect error: `{x}` is inside $'...', where a backslash in the value would be an escape
  sh("cat <<-EOF\n\t{x}\n\tEOF\n")  # expect error: `{x}` is in the body of a <<- here-document
  sh("cat <<EOF\n$(echo {x})\nEOF\n")  # expect error: `{x}` is inside a substitution in a here-document body
  sh("echo $'a\\'b' {x}")  # expect error: `{x}` cannot be quoted safely: a $'...' string before it has a backslash
  sh("echo {x:ident}")  # expect error: `{...:ident}` quotes an SQL identifier, not a shell word
  sh("echo {x:raw} `{x:raw}` # {x:raw}")
  exec(["sh", "-c", "echo {x}"])  # expect error: the script of `sh -c` is shell code, and exec quotes nothing
  exec(["/bin/bash", "-ec", "echo ok; echo {x}"])  # expect error: the script of `bash -ec` is shell code
  exec(["sh", "-c", "echo \"$1\"", "sh", x])
  exec(["sh", "-c", "echo {x:raw}"])
  exec(["echo", "-c", "{x}"])
} rollback {
  sh("true")
}
# diag:
# | sh_quote_contexts.rb:8:18: error: `{x}` is inside backquotes (`...`), where no quoting of the value is safe
# |     8 |   sh("echo `echo {x}`")  # expect error: `{x}` is inside backquotes (`...`), where no quoting of the value is safe
# |       |                  ^~~
# |       = hint: write $(...) instead of backquotes: inside $(...) the value is quoted as a word
