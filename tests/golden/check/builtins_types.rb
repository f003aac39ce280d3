# The checker knows times, and the types of the list, pattern and time builtins: arithmetic and
# ordering a time does not have, a string where a time is wanted and back, a pattern literal's
# values where no escaping makes them literal (as after `matches`), arguments of the wrong type.
# allow-warnings
runbook "builtin types"

let t = now()
let x = "a.b"
let a = t + t                    # expect error: `+` cannot combine time and time
let b = t * 2                    # expect error: `*` cannot combine time and int
let c = t < 5s                   # expect error: `<` cannot order time and duration
let d = -t                       # expect error: `-` needs a number or duration, not time
let e = time.format("2026")      # expect error: argument `t` of `time.format` must be time, but this is string
let f = now() == "2026"          # expect error: `==` compares time with string: it is always false
let g = len(t)                   # expect error: argument `v` of `len` must be string|list|map, but this is time
let h = re.match("s", "\\Q{x}\\E")  # expect error: `{x}` is inside \Q...\E
let i = sort(5)                  # expect error: argument `items` of `sort` must be list, but this is int
let j = sum([1], key: "a")       # expect error: `sum` has no parameter named `key`
let k = t - 1h + 30m             # fine: a time
let l = k - t                    # fine: a duration
let m = l < 1h and k > t         # fine
let n = re.find_all("a1", "[0-9]")
let o = sort(n, desc: true)
