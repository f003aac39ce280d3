# std/git in a throwaway repository: commit, short commit, branch, clean and dirty tree,
# ancestry.
# exit: 0
# expect: commit is 40 hex digits: true
# expect: short is a prefix: true
# expect: branch: rbk-main
# expect: clean: true
# expect: dirty: false
# expect: contains first commit: true, contains nonsense: false
runbook "std/git: work tree facts"

use "std/git"

let dir = trim(sh("mktemp -d").stdout)
let genv = {GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid",
            GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid",
            GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1"}

step "Make a repository" {
  exec(["git", "init", "-q", "-b", "rbk-main", dir], env: genv)
  exec(["git", "-C", dir, "commit", "-q", "--allow-empty", "-m", "first"], env: genv)
  exec(["git", "-C", dir, "tag", "first"], env: genv)
  exec(["git", "-C", dir, "commit", "-q", "--allow-empty", "-m", "second"], env: genv)
} rollback {
  sh("rm -rf {dir}")
}

step "Read it" {
  let c = git.current_commit(dir)
  log("commit is 40 hex digits: {c matches '^[0-9a-f]{40}$'}")
  log("short is a prefix: {starts_with(c, git.short_commit(dir))}")
  log("branch: {git.current_branch(dir)}")
  log("clean: {git.is_clean(dir)}")
  file.write("{dir}/new.txt", "x\n")
  log("dirty: {git.is_clean(dir)}")
  log("contains first commit: {git.contains_commit("first", dir)}, contains nonsense: {git.contains_commit("no-such-ref", dir)}")
} rollback {
  log("nothing to undo")
}

step "Clean up" {
  sh("rm -rf {dir}")
} irreversible "removes the throwaway repository"
