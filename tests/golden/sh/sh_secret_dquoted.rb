# A value interpolated inside "..." gets a backslash before $ ` " \ (its double-quote
# context): a secret with those characters is masked in that form too, in the command line.
# env: DQ_TOKEN=d$ll"r-s3cret-99
# args: --verbose
# exit: 0
# expect: sh     echo "***"
# expect: out | ***
# not-expect: s3cret-99
runbook "sh: a secret inside double quotes"

env DQ_TOKEN secret

step "Echo it" {
  sh("echo \"{env.DQ_TOKEN}\"", read_only: true)
}
