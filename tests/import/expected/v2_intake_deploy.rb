# Imported from 000_f212cb4acee02bf0.txt by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (19 in all); the summary on stderr lists them by line.
runbook "V2 Intake — Production Deployment Runbook"

env DATABASE_URL secret  # PostgreSQL connection string
env ENABLE_V2_INTAKE  # Master kill switch for V2 intake routes; default false
env ENABLE_V2_INTAKE_AUTH  # JWT auth enforcement on V2 protected endpoints; default true
env V1_STABLE  # Prevent V1 parser modifications; default true
env ZERO_OPENAI_MODE  # Disable all OpenAI API calls; default true
env AI_PROVIDER  # Scoring engine mode (must be rules for V2); default rules
env NODE_ENV  # Must be production
env JWT_SECRET secret  # JWT signing secret
env ENCRYPTION_KEY secret  # Data encryption key
env PORT optional  # Server listen port; default 3001
env VALID_TOKEN secret
env TOKEN secret
env ADMIN_TOKEN secret

param base_url = "https://api.yoursite.com"
param previous_commit_hash: string  # <previous-commit-hash> in the document
param last_known_good_commit: string  # <last-known-good-commit> in the document

use "std/pg"

let db = sql.connect(env.DATABASE_URL)

# > **Version**: 1.0
# > **Date**: February 18, 2026
# > **Branch**: `v2-intake-scaffold`
# > **Status**: Ready — execute when production deployment is approved
# > **Audience**: Engineering Lead, DevOps, System Administrator
#
# **Overview**
#
# This runbook covers the end-to-end procedure for deploying the V2 Intake system
# to production. It includes pre-flight checks, environment configuration, migration,
# verification, and rollback procedures.
#
# **Critical Rule**: Deploy with `ENABLE_V2_INTAKE=false` first. Enable only after
# all verification steps pass.
#
# (the table of contents is left out: the sections below are the runbook's)
#
# Complete ALL items before proceeding to deployment:
step "1. Pre-Flight Checklist" {
  confirm("All CI checks pass on branch (GitHub Actions — v2-intake-scaffold) — expected: All green (6 jobs)?")
  confirm("V2 Intake Gate specifically passes (CI → V2 Intake Gate job) — expected: 195/195 tests, <5s?")
  # Staging smoke test passes
  let r = sh("npx tsx scripts/v2_staging_smoke.ts")
  expect r.stdout contains "57/57"
  # V1 gate tests unaffected
  let r2 = sh("npx jest tests/gate/ --verbose")
  expect r2.stdout contains "27/28"
  confirm("Clinical calibration session completed (See Calibration Protocol doc) — expected: Sign-off obtained?")
  confirm("DV advocate testing completed (See DV Testing Protocol doc) — expected: Advocate sign-off?")
  confirm("Branch merged to main via PR (PR reviewed + approved) — expected: Merged?")
  # Database backup taken
  # TODO(import): pg_dump connects to `production_db`: DATABASE_URL is assumed to be its URL (line 51)
  pg.backup(env.DATABASE_URL, "backup_{now()}.sql")
  # Expected: Backup verified — pg.backup expects a complete dump itself
  confirm("Deployment window communicated (Email/Slack to stakeholders) — expected: Acknowledged?")
  confirm("Rollback plan reviewed (This document, Section 9) — expected: Reviewed by 2 people?")
}

section "2. Environment Variable Configuration" {
  # **Required Environment Variables**
  #
  # Set these in the production environment **before** deployment:
  # (the variables of the block at line 63 are the env declarations at the top)
  step "Verification" {
    # SSH to production server, then:
    let r = sh("printenv | grep -E \"ENABLE_V2|V1_STABLE|ZERO_OPENAI|AI_PROVIDER|NODE_ENV\"", read_only: true)
    expect r.stdout contains "ENABLE_V2_INTAKE=false"
    expect r.stdout contains "ENABLE_V2_INTAKE_AUTH=true"
    expect r.stdout contains "V1_STABLE=true"
    expect r.stdout contains "ZERO_OPENAI_MODE=true"
    expect r.stdout contains "AI_PROVIDER=rules"
    expect r.stdout contains "NODE_ENV=production"
  }
}

# The V2 Intake system requires the `v2_intake_sessions` table.
section "3. Database Migration" {
  step "Step 3.1: Verify Migration Files" {
    # Check that the migration exists
    sh("ls backend/prisma/migrations/ | grep v2_intake", read_only: true)
    # Expected: migration directory with v2_intake_sessions table creation
    # TODO(import): write the expectation "migration directory with v2_intake_sessions table creation" as an expect on the result (line 107)
  }

  step "Step 3.2: Run Migration (Production)" {
    # cd backend  (for the commands below: cwd:)
    # Preview what will be applied (dry run)
    sh("npx prisma migrate status", cwd: "backend", read_only: true)
    # Verify: should show 1 pending migration for v2_intake_sessions
    # Apply migration
    sh("npx prisma migrate deploy", cwd: "backend")
    # Expected: Migration applied successfully
    # TODO(import): write the expectation "Migration applied successfully" as an expect on the result (line 121)
    # Verify table exists
    # bash syntax (<<< here-strings): run by bash -c, not /bin/sh; its variables come through env:
    let r = exec(["bash", "-c", "npx prisma db execute --stdin <<< \"SELECT COUNT(*) FROM v2_intake_sessions;\""], cwd: "backend")
    expect trim(r.stdout) == "0"
  }

  step "Step 3.3: Generate Prisma Client" {
    sh("npx prisma generate")
    # Expected: Prisma client generated with V2IntakeSession model
    # TODO(import): write the expectation "Prisma client generated with V2IntakeSession model" as an expect on the result (line 132)
  } rollback {
    # Migration Rollback (if needed)
    # If migration must be reversed:
    db.exec("DROP TABLE IF EXISTS v2_intake_sessions")
    db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE '%v2_intake%'")
  }
}

# Deploy with V2 disabled to verify the deployment itself doesn't break V1:
section "4. Deployment (Kill Switch OFF)" {
  step "Step 4.1: Deploy Application" {
    # Pull latest code
    sh("git checkout main")
    sh("git pull origin main")
    # Install dependencies
    sh("npm ci", cwd: "backend")
    # Generate Prisma client
    sh("npx prisma generate", cwd: "backend")
    # Build
    sh("npm run build", cwd: "backend")
    # Restart application (method depends on your process manager)
    # PM2 example:
    sh("pm2 restart careconnect-backend", cwd: "backend")
    # Systemd example:
    # TODO(import): `sudo systemctl restart careconnect-backend` is an alternative to the command above, which is run: keep the one this system uses (line 170)
    # sudo systemctl restart careconnect-backend
  }

  step "Step 4.2: Verify V1 Unaffected" {
    # Health check
    let r = http.get("{base_url}/api/health", follow: false)
    expect r.json.status == "ok"
    # V1 parser endpoint (should still work)
    http.get("{base_url}/api/version", follow: false)
    # Expected: version response
    # TODO(import): write the expectation "version response" as an expect on the result (line 182)
    # Liveness
    let r2 = http.get("{base_url}/api/liveness", follow: false)
    expect r2.status == 200
  }

  step "Step 4.3: Verify V2 is Disabled" {
    # V2 endpoints should return 404
    let r = http.get("{base_url}/api/v2/intake/schema", follow: false)
    expect r.status == 404
    let r2 = http.get("{base_url}/api/v2/intake/health", follow: false)
    expect r2.status == 404
  }

  step "Step 4.4: Check Startup Logs" {
    # Verify the disable log message appears
    # --nostream added: `pm2 logs` follows the log forever without it
    let r = sh("pm2 logs careconnect-backend --lines 50 --nostream | grep \"V2 Intake\"", read_only: true)
    expect r.stdout contains "[V2 Intake] DISABLED — ENABLE_V2_INTAKE is not set to 'true'"
    # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 208)
    stop-if true, "STOP HERE if any V1 functionality is broken."
  }
}

# Before enabling V2, verify production stability:
#
# **Wait 15 minutes** and verify no V1 regressions before proceeding.
step "5. Post-Deployment Verification" {
  confirm("Health endpoint (curl .../api/health) — expected: \{\"status\":\"ok\"\}?")
  confirm("Liveness (curl .../api/liveness) — expected: 200?")
  confirm("Version (curl .../api/version) — expected: Valid JSON?")
  confirm("V1 parsing works (Submit a test transcript via V1) — expected: Parsed successfully?")
  confirm("No error spikes (Check error monitoring (Sentry/logs)) — expected: No new errors?")
  confirm("V2 endpoints are 404 (curl .../api/v2/intake/schema) — expected: 404?")
  confirm("Database accessible (Application connects to PostgreSQL) — expected: No connection errors?")
  wait(15m)
}

section "6. Enable V2 Intake (Kill Switch ON)" {
  step "Step 6.1: Set Environment Variable" {
    # Set the feature flag
    # export ENABLE_V2_INTAKE=true  (for the commands below: env:)
    # Restart the application
    sh("pm2 restart careconnect-backend", env: {ENABLE_V2_INTAKE: "true"})
    # or
    # TODO(import): `sudo systemctl restart careconnect-backend` is an alternative to the command above, which is run: keep the one this system uses (line 241)
    # sudo systemctl restart careconnect-backend
  }

  step "Step 6.2: Verify V2 is Active" {
    # Check startup logs
    # --nostream added: `pm2 logs` follows the log forever without it
    let r = sh("pm2 logs careconnect-backend --lines 20 --nostream | grep \"V2\"", read_only: true)
    expect r.stdout contains "[V2 INTAKE ENABLED] Routes mounted at /api/v2/intake"
    # V2 health endpoint
    let r2 = http.get("{base_url}/api/v2/intake/health", follow: false)
    expect r2.json.status == "healthy"
    expect r2.json.policyPackVersion == "v1.0.0"
    # V2 schema endpoint (public)
    let r3 = http.get("{base_url}/api/v2/intake/schema", follow: false)
    expect r3.json.version == "v1.0.0"
  }

  step "Step 6.3: Verify Auth is Enforced" {
    # Protected endpoint without token — should be 401
    let r = http.post("{base_url}/api/v2/intake/sessions", follow: false)
    expect r.status == 401
    # With valid JWT — should be 201
    let r2 = http.post("{base_url}/api/v2/intake/sessions", json: {personaData: {firstName: "Test"}}, headers: {Authorization: "Bearer {env.VALID_TOKEN}"}, follow: false)
    expect r2.status == 201
  }
}

# Run a targeted subset of smoke tests against production:
section "7. Smoke Test — Production" {
  step "Manual Quick Smoke" {
    # 1. Health
    let r = http.get("{base_url}/api/v2/intake/health", follow: false)
    expect r.json.status == "healthy"
    # 2. Schema
    let r2 = http.get("{base_url}/api/v2/intake/schema", follow: false)
    expect len(r2.json.modules) == 8
    # 3. Create session
    let r3 = sh("""
      SESSION_RESPONSE=$(curl -s \\
        -H \"Authorization: Bearer \"{env.TOKEN} \\
        -H \"Content-Type: application/json\" \\
        -d '\{\"personaData\":\{\"firstName\":\"SmokeTest\",\"lastName\":\"Production\"\}\}' \\
        -X POST https://api.yoursite.com/api/v2/intake/sessions)
      SESSION_ID=$(echo $SESSION_RESPONSE | jq -r .sessionId)
      echo \"Session created: $SESSION_ID\"
      # Expected: valid UUID
      # 4. Complete session (with minimal data)
      curl -s \\
        -H \"Authorization: Bearer \"{env.TOKEN} \\
        -H \"Content-Type: application/json\" \\
        -d \"\{\\\"sessionId\\\":\\\"$SESSION_ID\\\",\\\"modules\\\":\{\\\"consent\\\":\{\\\"agreed\\\":true\},\\\"demographics\\\":\{\\\"age\\\":35\},\\\"housing\\\":\{\\\"currentSituation\\\":\\\"sheltered\\\"\},\\\"health\\\":\{\\\"conditions\\\":[]\},\\\"safety\\\":\{\\\"dvStatus\\\":\\\"none\\\"\},\\\"barriers\\\":\{\\\"items\\\":[]\},\\\"income\\\":\{\\\"monthlyIncome\\\":1500\},\\\"goals\\\":\{\\\"housingGoal\\\":\\\"maintain\\\"\}\}\}\" \\
        -X POST https://api.yoursite.com/api/v2/intake/sessions/$SESSION_ID/complete | jq .status
    """)
    expect r3.stdout contains "completed"
    # TODO(import): "Expected: valid UUID" is between commands that share shell variables (one sh call): check it in the command (line 302)
    # 5. Calibration endpoint
    let r4 = http.get("{base_url}/api/v2/intake/calibration", headers: {Authorization: "Bearer {env.TOKEN}"}, follow: false)
    expect r4.json.totalSessions >= 1
    # 6. Verify V1 still works
    let r5 = http.get("{base_url}/api/health", follow: false)
    expect r5.json.status == "ok"
  }

  step "Automated Smoke (if staging URL matches production)" {
    # cd backend  (for the commands below: cwd:)
    let r = sh("npx tsx scripts/v2_staging_smoke.ts https://api.yoursite.com {env.ADMIN_TOKEN}", cwd: "backend")
    expect r.stdout contains "57/57"
  }
}

section "8. Monitoring Checklist" {
  # **First 24 Hours**
  #
  # | Interval | Check | How |
  # |----------|-------|-----|
  # | +15 min | Error rate normal | Check Sentry / error logs |
  # | +1 hour | Response times normal | Check APM / response time dashboards |
  # | +1 hour | V1 parser still working | Verify recent V1 intakes processed |
  # | +4 hours | No memory leaks | Check server memory utilization |
  # | +4 hours | Database connections stable | Check connection pool metrics |
  # | +12 hours | Audit trail recording | Query audit events for V2 sessions |
  # | +24 hours | Full health check | Run smoke test again |
  #
  # **Ongoing (First Week)**
  #
  # | Check | Frequency | Action if Failed |
  # |-------|-----------|-----------------|
  # | V2 health endpoint | Every 5 min (uptime monitor) | Alert engineering |
  # | Error log review | Daily | Investigate new errors |
  # | Calibration report | Daily for first 3 days | Compare with staging baseline |
  # | V1 regression check | Daily | If any V1 issue, disable V2 immediately |
  step "Log Verification" {
    # Check for V2-related errors in last hour
    # --nostream added: `pm2 logs` follows the log forever without it
    let r = sh("pm2 logs careconnect-backend --lines 500 --nostream | grep -i \"error.*v2\\|v2.*error\"", read_only: true, check: false)
    expect trim(r.stdout) == ""
    # Check V2 request volume
    # --nostream added: `pm2 logs` follows the log forever without it
    sh("pm2 logs careconnect-backend --lines 500 --nostream | grep \"v2/intake\" | wc -l", read_only: true)
    # Expected: Growing as users access V2
    # TODO(import): write the expectation "Growing as users access V2" as an expect on the result (line 365)
    # Check for unhandled rejections
    # --nostream added: `pm2 logs` follows the log forever without it
    let r2 = sh("pm2 logs careconnect-backend --lines 500 --nostream | grep \"UnhandledPromise\\|unhandledRejection\"", read_only: true)
    expect r2.stdout contains "None"
  }
}

# **9. Rollback Procedure**
#
# **When to Rollback**
#
# - V1 functionality is broken after V2 deployment
# - Persistent 500 errors on V2 endpoints that cannot be quickly fixed
# - Database performance degradation
# - Security vulnerability discovered
#
# TODO(import): "Quick Rollback (Disable V2)" has no clear owner step: call rollback_quick_rollback_disable_v2() from the rollback block of the step it undoes (line 383)
# **Quick Rollback (Disable V2)**
#
# If V2 specifically is causing issues but V1 is fine:
#
# This is the **fastest** rollback — takes < 1 minute.
fn rollback_quick_rollback_disable_v2() {
  # Disable V2 without redeployment
  # export ENABLE_V2_INTAKE=false  (for the commands below: env:)
  sh("pm2 restart careconnect-backend", env: {ENABLE_V2_INTAKE: "false"})
  # Verify V2 is disabled
  let r = http.get("{base_url}/api/v2/intake/health", follow: false)
  expect r.status == 404
  # Verify V1 still works
  let r2 = http.get("{base_url}/api/health", follow: false)
  expect r2.json.status == "ok"
}

# TODO(import): "Full Rollback (Revert Code)" has no clear owner step: call rollback_full_rollback_revert_code() from the rollback block of the step it undoes (line 403)
# **Full Rollback (Revert Code)**
#
# If the deployment itself caused issues:
fn rollback_full_rollback_revert_code() {
  # 1. Identify the pre-deployment commit
  sh("git log --oneline -5", read_only: true)
  # Find the commit BEFORE the V2 merge
  # 2. Revert to previous commit
  sh("git checkout {previous_commit_hash}")
  # 3. Rebuild and restart
  # cd backend  (for the commands below: cwd:)
  sh("npm ci", cwd: "backend")
  sh("npx prisma generate", cwd: "backend")
  sh("npm run build", cwd: "backend")
  sh("pm2 restart careconnect-backend", cwd: "backend")
  # 4. Verify V1 works
  let r = http.get("{base_url}/api/health", follow: false)
  expect r.json.status == "ok"
}

# TODO(import): "Database Rollback (if migration caused issues)" has no clear owner step: call rollback_database_rollback_if_migration_caused_issues() from the rollback block of the step it undoes (line 427)
# **Database Rollback (if migration caused issues)**
fn rollback_database_rollback_if_migration_caused_issues() {
  # Restore from backup taken in Step 1.8
  # TODO(import): psql connects to `production_db`: DATABASE_URL is assumed to be its URL (line 431)
  expect pg.restore(env.DATABASE_URL, "backup_YYYY-MM-DD.sql")
  # Or drop the V2 table only
  # TODO(import): psql connects to `production_db`: DATABASE_URL is assumed to be its URL (line 434)
  db.exec("DROP TABLE IF EXISTS v2_intake_sessions")
  # TODO(import): psql connects to `production_db`: DATABASE_URL is assumed to be its URL (line 435)
  db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE '%v2_intake%'")
}

# **10. Emergency Disable**
#
# If V2 is causing active harm (wrong scores, data leaks, DV safety issues):
#
# TODO(import): "Immediate Action (< 30 seconds)" has no clear owner step: call rollback_immediate_action_30_seconds() from the rollback block of the step it undoes (line 444)
# **Immediate Action (< 30 seconds)**
fn rollback_immediate_action_30_seconds() {
  # Set environment variable and restart
  # export ENABLE_V2_INTAKE=false  (for the commands below: env:)
  sh("pm2 restart careconnect-backend --update-env", env: {ENABLE_V2_INTAKE: "false"})
}

# TODO(import): "If Environment Variable Approach Fails" has no clear owner step: call rollback_if_environment_variable_approach_fails() from the rollback block of the step it undoes (line 452)
# **If Environment Variable Approach Fails**
fn rollback_if_environment_variable_approach_fails() {
  # Hard stop and redeploy previous version
  sh("pm2 stop careconnect-backend")
  sh("git checkout {last_known_good_commit}")
  sh("npm ci && npx prisma generate && npm run build", cwd: "backend")
  sh("pm2 start careconnect-backend", cwd: "backend")
}

# TODO(import): "Post-Emergency Actions" has no clear owner step: call rollback_post_emergency_actions() from the rollback block of the step it undoes (line 462)
# **Post-Emergency Actions**
fn rollback_post_emergency_actions() {
  confirm("Notify all stakeholders within 15 minutes?")
  confirm("Create incident report?")
  confirm("Preserve all logs from the incident period?")
  confirm("Identify root cause before re-enabling?")
  confirm("Run full test suite before re-enabling?")
  confirm("Schedule post-incident review within 48 hours?")
}

section "11. Post-Deployment Observation Period" {
  # **Week 1: Active Monitoring**
  #
  # | Day | Required Actions |
  # |-----|-----------------|
  # | Day 1 | Check every 2 hours. Run smoke test at end of day. |
  # | Day 2 | Check every 4 hours. Review error logs. |
  # | Day 3 | Generate first production calibration report. Compare with staging. |
  # | Day 4-5 | Daily log review. Monitor session completion rates. |
  # | Day 6-7 | Weekend monitoring: automated health checks only. |
  #
  # **Week 2: Reduced Monitoring**
  #
  # - Daily log review
  # - Generate second calibration report — compare with Day 3
  # - Review fairness endpoint data
  # - Document any edge cases observed
  #
  # After 2 weeks with no issues:
  step "End of Observation" {
    confirm("Document production calibration baseline?")
    confirm("Archive deployment evidence?")
    confirm("Update this runbook with any production-specific learnings?")
    confirm("Schedule first clinical calibration session (see Calibration Protocol)?")
  }
}

# **Appendix A: Environment Variable Reference**
#
# (the table of variables at line 504 is the env declarations at the top)

# **Appendix B: Key Endpoints**
#
# | Endpoint | Method | Auth | Purpose |
# |----------|--------|------|---------|
# | `/api/v2/intake/health` | GET | No | V2 health check |
# | `/api/v2/intake/schema` | GET | No | Intake module schema |
# | `/api/v2/intake/sessions` | POST | Yes | Create intake session |
# | `/api/v2/intake/sessions/:id/complete` | POST | Yes | Complete session + score |
# | `/api/v2/intake/sessions/:id` | GET | Yes | Retrieve session |
# | `/api/v2/intake/sessions/:id/hmis` | GET | Yes | HMIS export |
# | `/api/v2/intake/calibration` | GET | Yes | Calibration report |
# | `/api/v2/intake/audit/fairness` | GET | Yes | Fairness analysis |

# **Guardrails Compliance**
#
# | Guardrail | Status |
# |-----------|--------|
# | No scoring changes | ✅ — Runbook only, no code changes |
# | No UI changes | ✅ |
# | No V1 changes | ✅ |
# | No AI calls | ✅ |
# | No new endpoints | ✅ |
# | No migration changes | ✅ |
#
# *Production Deployment Runbook — V2 Intake Phase 5*
# *Authored: 2026-02-18*
