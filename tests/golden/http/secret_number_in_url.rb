# A URL that holds a secret's registered text and a secret number (which the registry cannot
# mask) is shown *** whole, in the live line, the log and the outcome: masking only the text
# would leave the number (docs/secrets.md, "Inside lists and maps").
# requires: http
# args: --param base=${RBK_HTTP_URL} --verbose
# expect: http   GET ***
# expect: log    [***, 200]
# not-expect: 8675309123
# not-expect: tok-url-number-1
runbook "a secret number in a URL"

param base: string

let token = secret("tok-url-number-1")

step "Get" {
  let n = secret(8675309000 + 123)
  let r = http.get("{base}/echo?t={token}&n={n}")
  log([n, r.status])
}
