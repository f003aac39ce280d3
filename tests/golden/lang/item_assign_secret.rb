# A secret assigned into a map or list: reading it back is secret, and the container shown masks
# it. A text is masked where it appears (its text is registered); a secret the masking cannot
# find in the text (a number) marks the whole container.
# env: RBK_ITEM_TOKEN=tok-item-assign-secret-1
# expect: log    {"user": "app", "token": "***"}
# expect: log    token ***
# expect: log    user app
# expect: log    derived {"t": "***"}
# expect: log    ***
# expect: log    ***
# not-expect: tok-item-assign-secret-1
# not-expect: OK-ITEM-ASSIGN-SECRET
runbook "item assignment and secrets"

env RBK_ITEM_TOKEN secret

step "Masked" {
  let cfg = {user: "app"}
  cfg.token = env.RBK_ITEM_TOKEN
  log(cfg)
  log("token {cfg.token}")
  log("user {cfg.user}")
  let d = {}
  d["t"] = lower(secret("OK-ITEM-ASSIGN-SECRET"))
  log("derived {d}")
  let counts = [1, 2]
  counts[0] = len(env.RBK_ITEM_TOKEN)
  log(counts)
  let nested = {inner: {}}
  nested.inner["n"] = len(env.RBK_ITEM_TOKEN) + 1000
  log(nested)
}
