# disasm of a source file: the header, the functions and their opcodes with positions.
# mode: disasm
# expect: runbook artifact, format version
# expect: title: "disasm"
# expect: function 0 '<top level>'
# expect: STEP        0        ; disasm.rb:
# expect: HALT
# expect: function 1 'work'
# expect: CONST       3        ; disasm.rb:15:3  "hi"
# expect: CALL_NATIVE 0 1      ; disasm.rb:15:3  log
# expect: body 1 'work'  if -  rollback -
runbook "disasm"

step "work" {
  log("hi")
}
