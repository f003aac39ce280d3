# runbook plan --format json: the same plan as plan_text.rb as one JSON document, indented one
# value per line so that CI can diff plans line by line (shape: docs/plan.md).
# This file holds only the annotations: `# file:` plans plan_text.rb.
# file: plan_text.rb
# mode: plan
# args: --format json
# exit: 0
# expect: "plan_format": 1,
# expect: "title": "Plan coverage",
# expect: "artifact_sha256": "
# expect: "env": [
# expect: "name": "API_TOKEN",
# expect: "secret": true,
# expect: "description": "where to announce"
# expect: "params": [
# expect: "name": "release",
# expect: "default": null,
# expect: "required": true,
# expect: "sequence": [
# expect: "kind": "code",
# expect: "before_step": 1,
# expect: "kind": "step",
# expect: "number": 1,
# expect: "section": "Preparation",
# expect: "description": "The service must answer before anything changes.\nIts version is logged for the report.",
# expect: "timeout_ms": null,
# expect: "repeat": "polled within 1m every 5s",
# expect: "via": "wait_up",
# expect: "name": "Migrate",
# expect: "timeout_ms": 60000,
# expect: "retries": 2,
# expect: "retry_every_ms": 10000,
# expect: "builtin": "sql.exec",
# expect: "text": "UPDATE accounts SET plan = 'v2'\nWHERE id IN (\n  SELECT id FROM accounts LIMIT {batch})",
# expect: "text": "./migrate --escaped \\{not-interpolated\\} {release}",
# expect: "when": "if dry == false",
# expect: "class": "gate",
# expect: "timeout_ms": 300000,
# expect: "rollback_effects": [
# expect: "text": "./migrate --down {release}",
# expect: "machine_ms": 200000,
# expect: "operator_ms": 900000,
# expect: "total_ms": 1100000,
# expect: "gates": [
# expect: "builtin": "ask",
# expect: "rollback_order": [
# expect: "action": "none",
# expect: "changes_without_rollback": true
# expect: "action": "stop",
# expect: "point_of_no_return": {
# expect: "name": "Drop the old table",
# expect: "worst_case": {
# expect: "machine_ms": null,
# expect: "operator_ms": 2700000,
# expect: "total_ms": null,
# expect: "default_call_timeout_ms": 30000,
# expect: "step 4 \"Soak\": `for h in split(hosts, \",\")`
