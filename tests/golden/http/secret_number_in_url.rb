# A URL that holds a secret text and a secret number: the number's text is registered as it
# leaves the language (quoted into the URL), so the live line, the server's echo and the log
# mask both (docs/secrets.md, "Inside lists and maps").
# requires: http
# args: --param base=${RBK_HTTP_URL} --verbose
# expect: /echo?t=***&n=***
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
