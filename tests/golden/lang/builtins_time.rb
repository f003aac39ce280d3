# Times (docs/language.md §3): time.parse reads RFC 3339 with offsets and fractions, a time is
# shown as RFC 3339 UTC with milliseconds, t ± duration is a time, t2 - t1 a duration, times
# compare, time.format writes a layout, now() is a time; JSON writes a time as its text.
# expect: log    2024-02-29T22:30:00.123Z
# expect: log    2024-03-01T00:00:00.123Z 2024-02-29T21:30:00.123Z 2024-03-01T00:00:00.123Z
# expect: log    1h30m 5400000 -1h30m
# expect: log    true true false true
# expect: log    2024-02-29 22:30:00.123 Thu Feb 060 1709245800 +0000 UTC 100%
# expect: log    2024-02-29T22:30:00.123Z
# expect: log    {"at":"2024-02-29T22:30:00.123Z"}
# expect: log    now is after 2024: true; str(now()) has 24 bytes: true
# expect: log    ***
# expect: == GO
runbook "times"

let t = time.parse("2024-02-29T23:30:00.1234+01:00")    # a leap day, an offset, a fraction cut to ms
let later = time.parse("2024-03-01T00:00:00.123Z")

step "Times" {
  log(t)
  log("{t + 90m} {t - 1h} {90m + t}")
  log("{later - t} {int(later - t)} {t - later}")
  log("{t < later} {t == time.parse("2024-02-29T22:30:00.123Z")} {t > later} {t != later}")
  log(time.format(t, "%F %T.%L %a %b %j %s %z %Z 100%%"))
  log(time.format(t))
  log(json.encode({at: t}))
  log("now is after 2024: {now() > later}; str(now()) has 24 bytes: {len(str(now())) == 24}")
  log(time.parse(secret("2024-02-29T23:30:00Z")) - t)  # derived from a secret: *** whole
}
