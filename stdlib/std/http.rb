# std/http — HTTP health helpers written in the language itself, over the http builtins.
# Bind it under another name — `use "std/http" as web` — so that the builtins http.get/post/...
# stay visible beside it (a module bound as `http` currently hides them; see docs/).
# Functions that `expect` must be called from a step.
# Shares its contract with: tests/golden/stdlib/http_*.rb.

# Polls GET url until it answers 200, for at most `limit`, every `poll`; the step fails with the
# last status or transport error otherwise. Returns the healthy response.
fn wait_healthy(url, limit = 2m, poll = 2s, headers = nil) {
  expect http.get(url, headers: headers).status == 200 within limit every poll, "{url} answers 200 (polled for up to {limit})"
  return http.get(url, headers: headers)
}

# Polls GET url until its JSON body has `field` equal to `value` (e.g. ready == true).
fn wait_json_field(url, field, value, limit = 2m, poll = 2s, headers = nil) {
  expect http.get(url, headers: headers).json.get(field) == value within limit every poll, "{url}: {field} == {value} (polled for up to {limit})"
  return http.get(url, headers: headers).json
}

# GET url and expect exactly that status; returns the response.
fn expect_status(url, code, headers = nil) {
  let r = http.get(url, headers: headers)
  expect r.status == code, "GET {url} answers {code}"
  return r
}

# GET url, expect a 2xx answer, return its parsed JSON body.
fn get_json(url, headers = nil) {
  let r = http.get(url, headers: headers)
  expect r.status >= 200 and r.status < 300, "GET {url} answers 2xx"
  return r.json
}

# Whether GET url answers 200 right now (no expectation: usable in `if` and in top-level code).
fn is_healthy(url, headers = nil) {
  return http.get(url, headers: headers).status == 200
}
