# Every operator and the precedence table (docs/language.md §4): or < and < not < comparison <
# .. < + - < * / % < unary minus < postfix.
# expect: log    arith 7 9 3 1 -3 -1 -6 2.5
# expect: log    prec true true false true
# expect: log    cmp true true true true true true
# expect: log    eq true true false true
# expect: log    range [2, 3, 4, 5] [3]
# expect: log    contains true true true false
# expect: log    in true true false
# expect: log    matches true false
# expect: log    concat abc [1, 2, 3] []
# expect: log    postfix 3 b 20
# expect: == GO
runbook "operators"

let m = {a: [1, 2, 3], b: {c: 20}}

step "operators" {
  log("arith {1 + 2 * 3} {(1 + 2) * 3} {7 / 2} {7 % 3} {-7 / 2} {-7 % 3} {-2 * 3} {5.0 / 2}")
  # not binds looser than ==; and binds tighter than or
  log("prec {not 1 == 2} {true or false and false} {(true or false) and false} {not false and true}")
  log("cmp {1 < 2} {2 <= 2} {3 > 2} {3 >= 3} {1 != 2} {"a" < "b"}")
  log("eq {1 == 1.0} {[1, {x: 2}] == [1, {x: 2}]} {nil == false} {"x" == "x"}")
  log("range {1 + 1..2 + 3} {3..3}")
  log("contains {"haystack" contains "st"} {[1, 2] contains 2} {m contains "a"} {[1] contains "1"}")
  log("in {2 in [1, 2]} {"a" in m} {"z" in "abc"}")
  log("matches {"v14.2" matches "^v1[4-9]\\."} {"v9" matches "^v1[4-9]"}")
  log("concat {"a" + "b" + "c"} {[1] + [2, 3]} {[] + []}")
  log("postfix {m.a[-1]} {keys(m)[1]} {m["b"].c}")
}
