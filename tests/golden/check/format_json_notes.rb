# The JSON format carries a diagnostic's notes: with a position (where the fn is declared), or
# "file":null (a builtin's signature).
# mode: check
# args: --format json
# exit: 65
# expect: "message":"missing argument `name` of `greet`","notes":[{"file":"format_json_notes.rb","line":8,"column":4,"end_line":8,"end_column":9,"message":"`greet` is declared here"}]},{"severity":"error","rule":"check","file":"format_json_notes.rb","line":12,"column":5,"end_line":12,"end_column":11,"message":"missing argument `s` of `trim`","notes":[{"file":null,"message":"the signature is trim(s: string) -> string"}]}],"errors":2,"warnings":0}

fn greet(name) {
  return "hi {name}"
}
log(greet())
log(trim())
