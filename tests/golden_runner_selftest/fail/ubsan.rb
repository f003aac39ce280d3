#? reason: sanitizer report
#> err: vm/interp.c:120:7: runtime error: signed integer overflow
