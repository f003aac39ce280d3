# std/git — facts about a git work tree, over git (on PATH) run with exec() — no shell.
# `use "std/git"` binds `git`. Every function takes the work tree's directory (default: the
# current directory, which is the runbook's own when run by the golden tests).
# Shares its contract with: tests/golden/stdlib/git_*.rb.

# The full SHA-1 of HEAD.
fn current_commit(dir = ".") {
  return trim(exec(["git", "-C", dir, "rev-parse", "HEAD"], read_only: true).stdout)
}

# The abbreviated SHA of HEAD.
fn short_commit(dir = ".") {
  return trim(exec(["git", "-C", dir, "rev-parse", "--short", "HEAD"], read_only: true).stdout)
}

# The current branch name ("HEAD" when detached).
fn current_branch(dir = ".") {
  return trim(exec(["git", "-C", dir, "rev-parse", "--abbrev-ref", "HEAD"], read_only: true).stdout)
}

# Whether the work tree has no changes (tracked or untracked, ignored files excepted).
fn is_clean(dir = ".") {
  return trim(exec(["git", "-C", dir, "status", "--porcelain"], read_only: true).stdout) == ""
}

# Whether `ancestor` (a commit, tag or branch) is an ancestor of HEAD — e.g. "the release
# contains the hotfix".
fn contains_commit(ancestor, dir = ".") {
  return exec(["git", "-C", dir, "merge-base", "--is-ancestor", ancestor, "HEAD"], check: false, read_only: true).code == 0
}
