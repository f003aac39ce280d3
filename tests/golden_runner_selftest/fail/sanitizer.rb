#? reason: sanitizer report
#> err: ==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010
