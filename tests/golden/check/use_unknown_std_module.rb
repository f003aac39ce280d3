# A `use` of a standard module that does not exist names every one there is, from the table
# the build embeds (stdlib/std/*.rb): the hint once listed five of the seven.
runbook "unknown standard module"
use "std/postgres"  # expect error: there is no standard module "std/postgres"
# expect: hint: the standard modules are std/git, std/http, std/k8s, std/notify, std/pg, std/systemd and std/vault
