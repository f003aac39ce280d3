# skip: a file of check_dir.rb's directory, not a golden test of its own
# A library: fn and let only. Checked on its own it warns about nothing unused (its names
# are for the runbooks that use it); checked through them, its errors are theirs.
fn double(x) {
  return x * 2
}

fn spare() {
  return undefined_name
}
