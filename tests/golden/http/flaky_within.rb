# expect ... within re-calls the request until it passes: /flaky/KEY/3 answers 503 three
# times, then 200.
# requires: http
# exit: 0
# expect: recovered after retries: 200
runbook "HTTP: polling a flaky endpoint"

env RBK_HTTP_URL

let base = env.RBK_HTTP_URL
# A key of its own per run: the fixture counts calls per key for its whole life.
let stamp = time.format(now(), "%Y%m%dT%H%M%S%L")
let url = "{base}/flaky/golden-within-{stamp}/3"

step "Eventually healthy" {
  expect http.get(url).status == 200 within 10s every 200ms
  let r = http.get(url)
  log("recovered after retries: {r.status}")
  expect r.json.attempt >= 5
}
