# An interpolated value is shell-quoted ('it'\''s'): a secret with an apostrophe is masked in
# its quoted form too (here in the command lines that errors quote). A value computed from a
# secret by a command (marked secret, its text unknown to the registry) is registered when it
# is interpolated, so the next command's line shows *** for it.
# env: Q_TOKEN=it's-a-s3cret-77
# exit: 3
# expect: error: sh `echo reversed '***'; exit 4` exited with code 4
# expect: error: rollback: sh `printf %s '***'; exit 3` exited with code 3
# not-expect: s3cret-77
# not-expect: 77-terc3s
runbook "sh: secrets in quoted values"

env Q_TOKEN secret

step "Quoted" {
  let r = sh("printf %s {env.Q_TOKEN} | rev")
  sh("echo reversed {r.stdout}; exit 4")
} rollback {
  sh("printf %s {env.Q_TOKEN}; exit 3")
}
