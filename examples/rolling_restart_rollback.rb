# The failure path of rolling_restart.rb, rehearsed with --fail-at: the third server fails on
# purpose (as if it did not come back), its batch's other server finishes, no further server is
# touched, and every server restarted so far is put back in the load balancer, newest first.
# This file holds only the annotations: `# file:` runs rolling_restart.rb.
# file: rolling_restart.rb
# requires: fleet
# args: --yes --inventory inventory/web.ini --ssh-config ${RBK_SSH_CONFIG} --fail-at "Restart h3"
# exit: 1
# expect: failed on purpose after its body (--fail-at rehearsal)
# expect: error: 1 of 4 instances failed (Restart h3), more than max_fail 0 allows
# expect: rollback Restart {n.name}
# expect: rollback ok Restart {n.name}
# expect: == NO-GO: "Restart {n.name}" failed; rollback completed
