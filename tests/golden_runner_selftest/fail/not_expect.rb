#? reason: output must not contain 'NO-GO'
#> out: summary: NO-GO
# not-expect: NO-GO
