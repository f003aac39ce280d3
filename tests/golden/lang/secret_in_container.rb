# A secret inside a list or map is never shown (docs/secrets.md, "Inside lists and maps"): a
# number, a bool, a float, a duration, a time or a text the registry cannot mask is *** there;
# a text the registry masks is "***". A text built from such a secret (an interpolation, `+`,
# str, join, json.encode) is *** whole, not partly masked; so is a comparison or a membership
# test that looks at a secret item, and the result of sort, unique, min, max, any, all, sum
# over one (its order or choice tells of the secret).
# expect: log    [***, "***", ***, ***, ***, ***, ***, ***]
# expect: log    {"n": ***}
# expect: log    {"deep": [{"n": ***}], "t": "***"}
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    ***
# expect: log    [***, "***"]
# expect: log    [***, ***]
# expect: log    {"a": 1, "b": ***}
# expect: log    [***, "***"]
# expect: log    ***
# expect: log    [1, 2]
# expect: log    {"user": "***", "n": ***}
# expect: log    ***
# expect: log    ***
# expect: log    [***, ***, ***, ***]
# not-expect: 8675309123
# not-expect: 8675309124
# not-expect: 96000.5
# not-expect: 5h7m11s
# not-expect: 2031-07-19
# not-expect: tok-container-1
runbook "secrets inside lists and maps"

let token = secret("tok-container-1")

step "Shown" {
  let n = secret(8675309000 + 123)
  let t = secret(time.parse("2031-07-19T05:43:21Z"))
  let l = [n, token, secret(true), secret(96000.0 + 0.5), secret(5h + 7m + 11s), t, token[0], n + 1]
  log(l)
  log({n: len(token)})
  log({deep: [{n: n}], t: token})
  log("l is {l} and {token}")
  log(str(l) + token)
  log(join([n, token], ","))
  log(json.encode({n: n, t: token}) + token)
  log("{token[0]}{token}")
  log(sort([n, 1]))
  log(unique([n, n]))
  log([n] + [token])
  log(values({a: n, b: len(token)}))
  log({a: 1} + {b: n})
  let m = {}
  m["n"] = n
  m["t"] = token
  log(values(m))
  log(secret([1, 2]))
  log([1, 2])
  log(secret({user: "app", n: 7}))
  let plain = 8675309000 + 123
  log([n] == [plain])
  log(plain in [1, n])
  log([any([secret(true)]), all([secret(false)]), sum([n, 1]), max([n, 1])])
}
