# A command on the terminal follows its window size, and its timeout still kills it
# (tests/tty: tty-window-size, tty-timeout).
runbook "Terminal size"
param slow = false
step "Size" {
  if slow {
    sh("echo waiting; sleep 30", tty: true, read_only: true, timeout: 1s)
  }
  let r = sh("stty size; read a; stty size", tty: true, read_only: true)
  log("sizes: {replace(trim(r.stdout), "\r\n", " | ")}")
}
