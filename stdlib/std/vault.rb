# std/vault — secrets read from HashiCorp Vault's KV version 2 engine over its HTTP API, written
# in the language itself, so that a runbook needs no secret exported into the operator's shell.
# `use "std/vault"` binds `vault`; read secrets in top-level code (resume runs it again, and a
# secret is never written to a journal):
#   let db_password = vault.kv_get("app/db", field: "password")
# The API (https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2, "Read secret
# version"): GET {addr}/v1/{mount}/data/{path}[?version=N] with the header X-Vault-Token (and
# X-Vault-Namespace); the answer's data.data is the secret, data.metadata its version.
# What kv_get guarantees (docs/stdlib.md#stdvault, docs/secrets.md#vault):
# - The address is addr:, else $VAULT_ADDR; the token is token:, else the file token_file:,
#   else $VAULT_TOKEN, else ~/.vault-token (what `vault login` writes), as the vault CLI does;
#   the namespace is namespace:, else $VAULT_NAMESPACE.
# - The token and every value read are secret: marked, and every string registered, so they
#   show as *** in every output; Vault's answer is read with http's `secret: true`, so it is
#   registered before anything records it. The token travels in a header, never in the URL.
# - A refusal is an error naming the mount, the path and the version, never the token nor
#   anything from Vault's answer: no address or token, 403 (no read access, or a bad token), 404
#   (no secret there; a deleted or destroyed version), 503 (sealed), any other status, a
#   missing field.
# - It is a read: a dry run reads for real. One log line says what was read (path and version
#   asked for; never a value).
# Shares its contract with: tests/golden/stdlib/vault_*.rb, docs/stdlib.md, docs/secrets.md.

# s without trailing slashes ("http://vault:8200/" → "http://vault:8200").
fn trim_slashes(s) {
  let parts = split(s, "/")
  let keep = 0
  for i, p in parts {
    if p != "" {
      keep = i + 1
    }
  }
  let out = []
  for i, p in parts {
    if i < keep {
      out = out + [p]
    }
  }
  return join(out, "/")
}

# Refuses a mount or path that is not plain segments of URL-safe characters: anything else would
# change the request (a "?" starts a query, ".." climbs to another API path).
fn check_segments(what, s) {
  if not (s matches '^[A-Za-z0-9._~@:+=,-]+(/[A-Za-z0-9._~@:+=,-]+)*$') or s matches '(^|/)\.\.?(/|$)' {
    fail "vault: {what} \"{s}\" must be names made of letters, digits and ._~@:+=,- separated by single slashes"
  }
}

# The token (secret): token:, else the file token_file:, else $VAULT_TOKEN, else ~/.vault-token.
fn find_token(token, token_file) {
  if token != nil {
    return secret(token)
  }
  if token_file != nil {
    return token_from_file(token_file)
  }
  let t = env.get("VAULT_TOKEN")
  if t != nil and t != "" {
    return secret(t)
  }
  let home = env.get("HOME")
  if home != nil and home != "" and file.exists("{home}/.vault-token") {
    return token_from_file("{home}/.vault-token")
  }
  fail "vault: no token: set VAULT_TOKEN, log in with `vault login` (it writes ~/.vault-token), or pass token: or token_file:"
}

fn token_from_file(path) {
  if not file.exists(path) {
    fail "vault: the token file {path} does not exist"
  }
  let t = secret(trim(file.read(path)))
  if t == "" {
    fail "vault: the token file {path} is empty"
  }
  return t
}

# Reads the secret at `path` of the KV v2 engine mounted at `mount` (version: 0 = the current
# one) and returns its data, a map, or only its field `field`. What is returned is secret: marked,
# and each string in it registered (only the field's, with field:, so that a field such as a
# user name is not masked everywhere when it is not asked for).
fn kv_get(path, field = nil, mount = "secret", version = 0, addr = nil, token = nil,
          token_file = nil, namespace = nil, timeout = 10s) {
  check_segments("path", path)
  check_segments("mount", mount)
  let a = addr
  if a == nil {
    a = env.get("VAULT_ADDR")
  }
  if a == nil or a == "" {
    fail "vault: no address: set VAULT_ADDR (e.g. https://vault.example:8200) or pass addr:"
  }
  a = trim_slashes(a)
  let t = find_token(token, token_file)
  let ns = namespace
  if ns == nil {
    ns = env.get("VAULT_NAMESPACE")
  }
  let headers = {"X-Vault-Token": t}
  let where = "{mount}/{path}"
  if ns != nil and ns != "" {
    headers = {"X-Vault-Token": t, "X-Vault-Namespace": ns}
    where = "{mount}/{path} in namespace {ns}"
  }
  let url = "{a}/v1/{mount}/data/{path}"
  let read = where
  if version > 0 {
    url = "{url}?version={version}"
    where = "{where}, version {version}"
  }
  # secret: true — Vault's answer holds the secret: it is registered before anything records
  # it (the http effect's output, the report, the JSON log do not carry it) and everything read
  # from it is marked, so every message below is made of what the runbook gave, never of the
  # answer (a message built from it would show as *** whole); the answer only decides.
  let r = http.get(url, headers: headers, timeout: timeout, secret: true)
  let which = "the current version"
  if version > 0 {
    which = "version {version}"
  }
  if r.status == 403 {
    fail "vault: permission denied reading {where}: the token may not read {mount}/data/{path}, or it is invalid or expired (Vault answers 403 for both)"
  }
  if r.status == 404 {
    let meta = nil
    if r.headers.get("content-type", "") contains "json" and trim(r.body) != "" {
      meta = r.json.get("data", {}).get("metadata")
    }
    if meta != nil and meta.get("destroyed", false) == true {
      fail "vault: {which} of {read} was destroyed"
    }
    if meta != nil and meta.get("deletion_time", "") != "" {
      fail "vault: {which} of {read} was deleted (`vault kv undelete` brings it back)"
    }
    fail "vault: no secret at {where} (is {mount} a KV version 2 mount at {a}?)"
  }
  if r.status == 503 {
    fail "vault: Vault at {a} is sealed or unavailable (503)"
  }
  if r.status != 200 {
    fail "vault: reading {where}: Vault answered {r.status} (`vault kv get` shows Vault's message)"
  }
  let data = r.json.data.data
  if field != nil and not (field in data) {
    fail "vault: {where} has no field \"{field}\""
  }
  log("vault: read {read}, {which}")
  if field == nil {
    return secret(data)
  }
  return secret(data[field])
}
