# `param NAME [: TYPE] [= DEFAULT] secret`: `secret` is the only modifier a param takes,
# recognised by position (so a param may still be called `secret`); anything else there is an
# error at the modifier. A secret param's default is in the source: a warning. A bool cannot
# be secret (its text, true or false, cannot be masked).
# diag:
# | param_secret.rb:18:9: error: unknown param modifier `secet`
# |    18 | param c secet  # expect error: unknown param modifier `secet`
# |       |         ^~~~~
# |       = hint: did you mean `secret`?
# diag:
# | param_secret.rb:19:11: warning: a secret param's default is in the source
# |    19 | param d = "dflt" secret  # expect warning: a secret param's default is in the source
# |       |           ^~~~~~
# |       = hint: anyone who can read the runbook or its .rbc can read it: leave the default out, so that the value is passed with --param or typed at the prompt
param a: string secret
param a2 = 5 secret      # expect warning: a secret param's default is in the source
param b = "x" optional  # expect error: unknown param modifier `optional`
param c secet  # expect error: unknown param modifier `secet`
param d = "dflt" secret  # expect warning: a secret param's default is in the source
param e: bool secret     # expect error: a bool param cannot be secret
param f = false secret   # expect error: a bool param cannot be secret  # expect warning: a secret param
param secret: string
param g: duration secret
param h secret = "late"  # expect error: unexpected '=', expected end of file, end of line or name
step "use" {
  log("{a} {a2} {b} {c} {d} {e} {f} {secret} {g}")
}
