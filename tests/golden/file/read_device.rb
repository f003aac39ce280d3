# file.read of a device is refused before anything is read: /dev/zero never ends (it used to
# be read until the step's timeout, or memory, ran out) and /dev/null is not a file either.
# mode: run
# exit: 1
# expect: read_device.rb:10:11: error: file.read: cannot read "/dev/zero": it is a character device, not a regular file
# not-expect: after the error
runbook "file.read of a device"

step "Read /dev/zero" {
  let s = file.read("/dev/zero")
  log("after the error {len(s)}")
}
