# The result of merging two maps whose fields are known has the fields of both; a map and a list
# do not add.
let a = {x: 1}
let b = {y: 2}
step "Mistakes" {
  log((a + b).z)  # expect error: this map has no field `z`
  log(a + [1])  # expect error: `+` cannot combine map and list
}
