# SARIF 2.1.0 (one line, so one expect).
# mode: check
# args: --format sarif
# exit: 65
# expect: "level":"error","message":{"text":"unknown name `nope`"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"format_sarif.rb"},"region":{"startLine":7,"startColumn":9,
step "a" {
  log("{nope}")
}
