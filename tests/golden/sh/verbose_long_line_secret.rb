# --verbose shows a command's output line by line. A line longer than 64 KiB used to be split
# into pieces before masking, so a secret across the split showed its two halves; each line
# is now masked whole.
# env: LONG_TOKEN=Qm4tR8yVc2Lp-long-line-token
# args: --verbose
# exit: 0
# expect: out | after
# not-expect: Qm4tR8
# not-expect: long-line-token
runbook "sh --verbose: a secret across 64 KiB"

env LONG_TOKEN secret

step "A long line with the token at byte 65530" {
  sh("head -c 65530 /dev/zero | tr '\\0' x; printf '%s\\n' \"$T\"; echo after", env: {T: env.LONG_TOKEN}, read_only: true)
}
