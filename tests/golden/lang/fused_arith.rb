# Arithmetic with an int literal or a local as an operand compiles to one fused instruction
# (ADD_I k, ADD_L l, LADD l... docs/opcodes.md); `for` over a range is tested at the bottom
# (RANGE_LOOP). Values, types and secret taint are those of the plain instructions.
# expect: log    int 9 5 21 3 1 | -3 -1 | 10 4 21 2 1 | 3 -4 12 0 6
# expect: log    wide 3074457345618258602 807 4 -9223372036854775807
# expect: log    float 5.0 3.5 0.4 1.25
# expect: log    text abab abc [1, 2, 3, 1, 2, 3] [1, 2, 3, 9]
# expect: log    durations 3s 3s 750ms
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    plain 3 6
# not-expect: 12345
# not-expect: 246917
# not-expect: log    456
# expect: log    loops 1 0 3 -2 55 2500
# expect: == GO
runbook "fused arithmetic"

step "values" {
  let x = 7
  let y = 3
  let m = -7
  log("int {x + 2} {x - 2} {x * 3} {x / 2} {x % 3} | {m / 2} {m % 3} | {x + y} {x - y} {x * y} {x / y} {x % y} | {y - (x - 7)} {0 - (x - y)} {y * (x - 3)} {y / (x + 1)} {y * (x - 5)}")
  let big = 9223372036854775807
  let two32 = 4294967296
  log("wide {big / 3} {big % 1000} {two32 % 7} {0 - big}")
  let f = 2.5
  log("float {f * 2} {f + 1} {1 / f} {f / (x - 5)}")
  let s = "ab"
  let l = [1, 2, 3]
  let twice = l + l
  l = l + [9]
  log("text {s + s} {s + "c"} {twice} {l}")
  let d = 1500ms
  log("durations {d + d} {d * 2} {d / 2}")
}

step "taint" {
  let n = int(secret("123456"))
  let one = 1
  let two = 2
  let a = n + 1
  let b = n + two
  let c = two + n
  let e = 5 + (n * 2)
  let g = one * (n % 1000)
  log("{a}")
  log("{b}")
  log("{c}")
  log("{e}")
  log("{g}")
  log("plain {one + two} {two * 3}")
}

step "loops" {
  let t = 0
  for i in 9223372036854775806..9223372036854775807 {
    t = t + 1
  }
  let single = 0
  for i in 3..3 {
    single = single + i
  }
  let none = 0
  for i in 5..1 {
    none = none + 1
  }
  let neg = 0
  for i in -2..1 {
    neg = neg + i
  }
  let sum = 0
  for i in 1..10 {
    sum = sum + i
  }
  let nested = 0
  for i in 1..50 {
    for j in 1..50 {
      nested = nested + 1
    }
  }
  log("loops {t - 1} {none} {single} {neg} {sum} {nested}")
}
