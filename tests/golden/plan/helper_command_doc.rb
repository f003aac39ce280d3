# runbook doc of helper_command.rb: the command a helper will run is shown as a command line.
# file: helper_command.rb
# mode: doc
# exit: 0
# expect: Run (no shell) `pg_dump --no-password --clean --if-exists --file /var/backups/orders.sql … --dbname {env.DATABASE_URL}`
# not-expect: `...` (a value)
