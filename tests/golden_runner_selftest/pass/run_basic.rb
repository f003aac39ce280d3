# Default mode is run, default exit 0; ordered expects; not-expect.
#> out: step one ok
#> out: step two ok
#> err: progress on stderr
#> out: summary: GO
# expect: fake: mode=run args=[] file=run_basic.rb dir=pass NO_COLOR=1
# expect: step one
# expect: step two
# expect: progress on stderr
# expect: GO
# not-expect: NO-GO
# not-expect: error
