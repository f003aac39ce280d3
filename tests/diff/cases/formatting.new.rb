# tests/diff: base.rb in another layout, with other comments: the same procedure
runbook    "Orders schema cutover"
env DATABASE_URL    secret     # the orders database
param release="v2"
param drain:duration=30s


step "Pre-flight"{
    expect env.DATABASE_URL!="" ,   "DATABASE_URL must be set"
    stop-if sh("test -e /tmp/orders.lock",check:false,read_only:true).code==0,
        "another cutover is running"
}
# a comment between steps
step "Back up"   timeout 10m  {
    sh("pg_dump orders > /tmp/orders.sql")     # a full dump
    expect file.size( "/tmp/orders.sql" )>0
}   rollback {
    sh("rm -f /tmp/orders.sql")
}
step "Confirm the window" { confirm("Start the cutover of {release}?") }
step "Migrate" {
  sh( "migrate up --to {release}" )
  expect sh("migrate status",
            read_only: true).stdout contains release,
         "the schema is at {release}"
} rollback { sh("migrate down --to v1") }
step "Drop the old table" {
  sh("psql -c 'DROP TABLE orders_v1'")
}
irreversible "a dropped table is gone"

step "Drain" {
  wait( drain )
  expect sh("curl -fsS http://127.0.0.1/healthz", timeout: 5s, read_only: true).code == 0   within   2m   every 5s
}
