# An expectation shows the value of each sub-expression, cut at 64 KiB and rendered not much
# further. A traced list of 2^30 items used to be rendered whole, to the 256 MiB text limit
# (39 s, 790 MB, and 256 MiB printed), for an expectation that only counts it. The cut never
# shows part of a secret: copies of one in `v` lie where the rendering stops.
# mode: run
# exit: 1
# expect: FAILED expect len(v) > 0 and len(l) == 3
# expect: len(v) = 65660
# expect: len(l) = 2
# expect: xxx*** *** *** 
# expect: l = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1], [1]], [[1], [1]]]
# expect: trace_value_cut.rb:26:10: error: expectation failed
# not-expect: Sek
runbook "Traced values are cut at 64 KiB"

step "Trace" {
  let tok = secret("Sekr3t-TOKEN-5150")
  let pad = sh("head -c 65300 /dev/zero | tr '\\0' x").stdout
  # not marked secret (the token reaches the command through env:), but masked all the same;
  # twenty copies of it around the place where the rendering stops
  let v = pad + sh("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do printf '%s ' \"$T\"; done", env: {T: tok}).stdout
  let l = [1]
  for _i in 1..30 {
    l = [l, l]
  }
  expect len(v) > 0 and len(l) == 3
}
