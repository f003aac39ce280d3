# exit: 1
# expect: index_negative_out_of_range.rb:7:9: error: index -6 is out of range: the string has 5 bytes
runbook "negative index out of range"

step "string" {
  let s = "hello"
  log("{s[-6]}")
}
