# `hosts` groups (docs/fleet.md): hosts.NAME needs a declaration (with a "did you mean"); a
# group declared twice, or as an environment variable too, is an error; `hosts` stays a name
# everywhere but at the start of a line before a name, so a variable named hosts still works.
hosts web, workers
hosts web  # expect error: hosts group `web` is declared twice
env DB
hosts DB  # expect error: `DB` is declared both as an environment variable and as a hosts group
hosts unused  # expect warning: hosts group `unused` is declared but never used
step "a" {
  let hosts = ["x", "y"]
  log("{hosts[0]} {env.DB}")
  log("{len(env.web)}")  # expect error: environment variable `web` is not declared
}
step "b" {
  sh("uptime", on: hosts.web, read_only: true)
  sh("uptime", on: hosts.worker, read_only: true)  # expect error: hosts group `worker` is not declared
  for r in sh("uptime", on: hosts.workers, read_only: true) {
    log("{r.host}")
  }
}
