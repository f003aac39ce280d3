# A map key carries no secret mark and is shown wherever the map is: a secret key is allowed only
# when the registry masks its text (4 bytes or more); a shorter one is refused, in an assignment
# and in a map literal (docs/secrets.md, "Inside lists and maps").
# exit: 3
# expect: log    {"***": 1}
# not-expect: tok-map-key-1
# expect: secret_map_key.rb:18:3: error: a map key cannot be a secret that masking would not hide (a text of fewer than 4 bytes)
# expect: secret_map_key.rb:21:13: error: rollback: a map key cannot be a secret that masking would not hide
runbook "secret map keys"

let token = secret("tok-map-key-1")

step "Keys" {
  let m = {}
  m[token] = 1
  log(m)
  let short = {}
  short[token[0] + token[1]] = 1
  log(short)
} rollback {
  let lit = {"{token[0]}": 1}
}
