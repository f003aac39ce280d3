step "dup" {
  log("1")
}
step "dup" {  # expect error: duplicate step name "dup"
  log("2")
}
