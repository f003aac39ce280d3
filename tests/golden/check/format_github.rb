# GitHub workflow annotations.
# mode: check
# args: --format github
# expect: ::warning file=format_github.rb,line=6,col=7,endLine=6,endColumn=8::unused variable `r`
step "a" {
  let r = 2
}
