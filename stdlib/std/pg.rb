# std/pg — PostgreSQL checks, backup and restore, written in the language itself.
# `use "std/pg"` binds `pg`: pg.table_exists(db, "orders"), pg.backup(env.DATABASE_URL, f) ...
# Identifiers ("table", "schema.table") are matched exactly as written — quoted, never case
# folded — and every value travels as a bind parameter (docs/language.md §8), so a hostile name is
# only ever a name. backup/restore run pg_dump/psql (PostgreSQL client tools on PATH) through
# exec(), without a shell, and check what they produced; like every `expect`, they must be
# called from a step.
# Shares its contract with: tests/golden/stdlib/pg_*.rb, docs (std/pg reference).

# [schema or nil, name] of "schema.name" / "name".
fn split_name(qualified) {
  let parts = split(qualified, ".")
  if len(parts) == 2 {
    return [parts[0], parts[1]]
  }
  return [nil, qualified]
}

# An identifier quoted for PostgreSQL: matched exactly as written, never case folded.
fn quote_ident(name) {
  return "\"" + replace(name, "\"", "\"\"") + "\""
}

# The text to_regclass() reads for "name" or "schema.name", every part quoted. It travels as a
# bind parameter like any value.
fn regclass_text(qualified) {
  let p = split_name(qualified)
  if p[0] == nil {
    return quote_ident(p[1])
  }
  return quote_ident(p[0]) + "." + quote_ident(p[1])
}

# The relation's oid (regclass) or nil; an unqualified name follows the search_path.
fn regclass(db, qualified) {
  return db.scalar("SELECT to_regclass({regclass_text(qualified)})::oid")
}

# Whether the table (ordinary or partitioned) exists.
fn table_exists(db, table) {
  return db.scalar("""
    SELECT EXISTS (
      SELECT 1 FROM pg_class
      WHERE oid = to_regclass({regclass_text(table)})
        AND relkind IN ('r', 'p'))
  """)
}

# Whether the table (or view) has that column.
fn column_exists(db, table, column) {
  return db.scalar("""
    SELECT EXISTS (
      SELECT 1 FROM pg_attribute
      WHERE attrelid = to_regclass({regclass_text(table)})
        AND attname = {column} AND attnum > 0 AND NOT attisdropped)
  """)
}

# Whether the index exists ("name" or "schema.name").
fn index_exists(db, index) {
  return db.scalar("""
    SELECT EXISTS (
      SELECT 1 FROM pg_class
      WHERE oid = to_regclass({regclass_text(index)})
        AND relkind IN ('i', 'I'))
  """)
}

# Whether the table has a constraint (primary key, unique, foreign key, check ...) of that name.
fn constraint_exists(db, table, constraint) {
  return db.scalar("""
    SELECT EXISTS (
      SELECT 1 FROM pg_constraint
      WHERE conrelid = to_regclass({regclass_text(table)})
        AND conname = {constraint})
  """)
}

# The number of rows of the table (an error naming the table if it does not exist).
fn row_count(db, table) {
  let p = split_name(table)
  if p[0] == nil {
    return db.scalar("SELECT count(*) FROM {p[1]:ident}")
  }
  return db.scalar("SELECT count(*) FROM {p[0]:ident}.{p[1]:ident}")
}

# The last line pg_dump writes into a plain-format dump; a truncated dump lacks it.
fn dump_trailer() {
  return "-- PostgreSQL database dump complete"
}

# Whether PATH looks like a complete plain-format pg_dump: present, non-empty, with the trailer.
fn is_complete_dump(path) {
  if not file.exists(path) {
    return false
  }
  if file.size(path) == 0 {
    return false
  }
  return file.read(path) contains dump_trailer()
}

# Dumps the database at URL into PATH (plain SQL, with DROP ... IF EXISTS before each object so
# that restore() brings the dumped objects back to their state at backup time). `tables` limits
# the dump to those tables ("name" or "schema.name" patterns, as pg_dump --table). Expects a
# complete dump; returns {file, bytes, sha256}.
fn backup(url, path, tables = [], timeout = 30m) {
  let argv = ["pg_dump", "--no-password", "--clean", "--if-exists", "--file", path]
  for t in tables {
    argv = argv + ["--table", t]
  }
  exec(argv + ["--dbname", url], timeout: timeout)
  expect file.exists(path), "pg_dump wrote {path}"
  expect file.size(path) > 0, "{path} is not empty"
  expect is_complete_dump(path), "{path} is a complete pg_dump (ends with its trailer line)"
  return {file: path, bytes: file.size(path), sha256: file.sha256(path)}
}

# Replays PATH (a backup() dump) into the database at URL with psql in one transaction, stopping
# at the first error (so a failed restore changes nothing). Expects a complete dump first.
fn restore(url, path, timeout = 30m) {
  expect file.exists(path), "backup file {path} exists"
  expect is_complete_dump(path), "{path} is a complete pg_dump"
  let r = exec(["psql", "--no-psqlrc", "--no-password", "--quiet", "--single-transaction",
                "-v", "ON_ERROR_STOP=1", "--dbname", url, "--file", path], timeout: timeout)
  return r.code == 0
}
