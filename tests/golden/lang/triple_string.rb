# A """ string: the newline after the opening quotes and the indentation-only last line are
# dropped; blank lines do not count for the common indentation; escapes work.
# expect: log    [first
# expect: log    
# expect: log      indented\tstill "quoted"
# expect: log    last]
# expect: log    one-line: [same line]
# expect: == GO
runbook "triple-quoted strings"

step "triple" {
  let t = """
    first

      indented\\tstill "quoted"
    last
    """
  log("[{t}]")
  log("one-line: [{"""same line"""}]")
}
