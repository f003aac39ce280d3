# A call that does not fit its callee shows the signature: a builtin's from builtins.def (a
# method without its receiver, named as the call names it), a fn's where it is declared.
env DATABASE_URL
let db = sql.connect(env.DATABASE_URL)
fn greet(name, greeting = "hi") {
  return "{greeting} {name}"
}
step "Calls" {
  let a = db.scalar()  # expect error: missing argument `q` of `db.scalar`
  let b = greet()  # expect error: missing argument `name` of `greet`
  let c = greet("a", "b", "c")  # expect error: too many arguments: `greet` takes 2
  let d = greet("a", greting: "x")  # expect error: `greet` has no parameter named `greting`
  let e = db.exec("DELETE FROM t WHERE id = 1", timout: 5s)  # expect error: `db.exec` has no parameter named `timout`
  log("{a}{b}{c}{d}{e}")
} rollback {
}
# diag:
# | call_signature.rb:9:11: error: missing argument `q` of `db.scalar`
# |     9 |   let a = db.scalar()  # expect error: missing argument `q` of `db.scalar`
# |       |           ^~~~~~~~~~~
# |       = note: the signature is db.scalar(q: string, timeout?: duration, max_bytes?: int) -> any
# diag:
# | call_signature.rb:10:11: error: missing argument `name` of `greet`
# |    10 |   let b = greet()  # expect error: missing argument `name` of `greet`
# |       |           ^~~~~~~
# | call_signature.rb:5:4: note: `greet` is declared here
# |     5 | fn greet(name, greeting = "hi") {
# |       |    ^~~~~
# diag:
# | call_signature.rb:12:22: error: `greet` has no parameter named `greting`
# |    12 |   let d = greet("a", greting: "x")  # expect error: `greet` has no parameter named `greting`
# |       |                      ^~~~~~~~~~~~
# |       = hint: did you mean `greeting`?
# | call_signature.rb:5:4: note: `greet` is declared here
# diag:
# | call_signature.rb:13:49: error: `db.exec` has no parameter named `timout`
# |    13 |   let e = db.exec("DELETE FROM t WHERE id = 1", timout: 5s)  # expect error: `db.exec` has no parameter named `timout`
# |       |                                                 ^~~~~~~~~~
# |       = hint: did you mean `timeout`?
# |       = note: the signature is db.exec(q: string, timeout?: duration) -> int
