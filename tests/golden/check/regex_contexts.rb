# A value in the pattern of `matches` is escaped as a literal; where no escaping makes it one,
# check refuses it at the hole, with the fix (docs/language.md "Values in patterns").
let x = "v"
step "patterns" {
  expect "v" matches "^{x}[{x}-z](?:{x}|\\d\{2\})\\Q.\\E{x}\\x\{41\}{x}\\cA{x}\\x41{x}$" or true
  expect "v" matches "\\Q{x}\\E"  # expect error: `{x}` is inside \Q...\E, where the escapes that make the value a literal would be literal backslashes
  expect "v" matches "a(?#{x})"  # expect error: `{x}` is inside a comment of the pattern
  expect "v" matches "(?x)a # {x}"  # expect error: `{x}` is inside a comment of the pattern
  expect "v" matches "\\{x}"  # expect error: `{x}` comes right after a `\`
  expect "v" matches "(a)\\1{x}"  # expect error: `{x}` comes right after an escape that reads the characters after it
  expect "v" matches "\\x4{x}"  # expect error: `{x}` comes right after an escape that reads the characters after it
  expect "v" matches "\\c{x}"  # expect error: `{x}` comes right after an escape that reads the characters after it
  expect "v" matches "^{x:ident}$"  # expect error: `{x:ident}` quotes an SQL identifier, not a part of a pattern
  expect "v" matches "\\Q.\\E{x} (?x) {"#"} {x:raw}"
}
# diag:
# | regex_contexts.rb:6:26: error: `{x}` is inside \Q...\E, where the escapes that make the value a literal would be literal backslashes
# |     6 |   expect "v" matches "\\Q{x}\\E"  # expect error: `{x}` is inside \Q...\E, where the escapes that make the value a literal would be literal backslashes
# |       |                          ^~~
# |       = hint: end the \Q...\E before the value: \Q...\E{x} (the value is matched literally already)
