# std/k8s builds the kubectl argv it documents (a stand-in kubectl on PATH prints its arguments):
# explicit --namespace, deployment/NAME, kubectl's --timeout from the duration, --to-revision.
# env: PATH=./fakebin:${PATH}
# exit: 0
# expect: kubectl rollout status deployment/orders --namespace prod --timeout 90s | deployment "deployment/orders" successfully rolled out
# expect: kubectl scale deployment/orders --namespace prod --replicas 4
# expect: replicas: 3 desired, 2 ready
# expect: image: registry.local/orders:v2
# expect: kubectl rollout undo deployment/orders --namespace prod --to-revision 7
runbook "std/k8s: kubectl calls"

use "std/k8s"

step "Roll out" {
  let out = k8s.rollout_status("orders", "prod", timeout: 90s)
  log(replace(out, "\n", " | "))
  log(k8s.scale("orders", "prod", 4))
  let r = k8s.replicas("orders", "prod")
  log("replicas: {r.replicas} desired, {r.ready} ready")
  log("image: {k8s.image("orders", "prod")}")
} rollback {
  log(k8s.rollout_undo("orders", "prod"))
}

step "Undo to a revision" {
  log(k8s.rollout_undo("orders", "prod", revision: 7))
} rollback {
  log("nothing to undo")
}
