# Imported from structure.md by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (1 in all); the summary on stderr lists them by line.
runbook "Rotate the \"edge\" \{proxy\} certificates"

# Written for the on-call engineer. Every step below is safe to re-run.
#
# > **Owner**: platform team
# > **Last reviewed**: 2026-01-10
#
# (the table of contents is left out: the sections below are the runbook's)
#
# **Background**
#
# The edge proxies terminate TLS for every public host. This section is prose only: it becomes the
# description of the first step after it.
section "Prepare" {
  step "1. Check the current certificate" {
    sh("openssl x509 -in /etc/edge/cert.pem -noout -enddate")
  }

  # The same heading twice: the second step gets a number.
  step "2. Check the current certificate" {
    sh("ls -l /etc/edge", read_only: true)
  }

  # **Notes on naming**
  #
  # Only prose here, so it is the description of the next step.
  #
  # An indented block above has no language: kept, with a TODO.
  #
  # <!-- reviewers: keep this section short -->
  step "3. Fetch the new bundle" {
    # TODO(import): a code block without a language is not translated: kept as a comment below (line 41)
    # curl -fsS https://vault.internal/v1/edge/bundle -o /tmp/bundle.pem
  }
}

section "Rotate" {
  step "Copy the bundle into place" {
    sh("install -m 600 /tmp/bundle.pem /etc/edge/cert.pem")
  }

  step "Reload the proxies" {
    confirm("Reload the proxies?")
  }

  step "Tell #ops in chat" {
    confirm("Tell #ops in chat?")
  }
}

step "Verify" {
  let r = sh("systemctl is-active edge-proxy", read_only: true)
  expect r.stdout contains "active"
}

# **Setext heading two**
#
# Just prose under the last heading: kept at the end of the file.
