# Checks shared by the cutovers.
# vim: ft=runbook

fn healthy(url) {
  return http.get(url).status == 200
}
