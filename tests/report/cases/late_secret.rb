# A value made secret only after a command printed it (secret(trim(sh(...).stdout))) is masked
# in every report: a report is masked again when it is written, with every secret known at the
# end of the run — also where it kept only the head and the tail of a long output and the
# token straddles the cut (its first 8 bytes end the head).
# secret: tok-L4TE-REPORT-7731
# secret: cut-T0KEN-8822-xyzw
# secret: cut-T0KE
# exit: 0
runbook "A secret known late"

step "Read a token, then call it secret" {
  let out = sh("printf '%s%s%s-%s%s\\n' tok - L4TE REPORT- 7731").stdout
  let tok = secret(trim(out))
  log("token is {tok}")
} irreversible "reads only"

step "A long output with a token across the report's cut, made secret after" {
  let line = sh("head -c 2040 /dev/zero | tr '\\0' .; printf '%s%s%s' cut- T0KEN -8822-xyzw; head -c 3000 /dev/zero | tr '\\0' .").stdout
  let tok = secret(replace(line, ".", ""))
  log("{len(line)} bytes, then {tok}")
} irreversible "reads only"
