# Injection corpus: 61 hostile values interpolated into literal queries travel as bind
# parameters (out of band) and come back byte for byte as data; the table survives.
# (A second statement in one call is refused by the server: multi_statement.rb.)
# requires: pg
# exit: 0
# expect: corpus of 61 values round-tripped
# expect: corpus of 61 values stored intact
# expect: table inj still has 61 rows
# not-expect: SQLSTATE
runbook "SQL: injection corpus"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

let corpus = [
  "'",
  "''",
  "\"",
  "\\",
  "\\\\'",
  "'; DROP TABLE inj; --",
  "' OR '1'='1",
  "1; SELECT pg_sleep(5)",
  "$1",
  "$2::text",
  "--",
  "/*",
  "*/",
  "/* unterminated",
  "); DELETE FROM inj; --",
  "\\x00",
  "%s%s%s%n",
  "\{\}",
  "\{expr\}",
  "\{x:raw\}",
  "$$",
  "$tag$ body $tag$",
  "E'\\x41'",
  "U&'\\0041'",
  "\n",
  "\t",
  " ",
  "",
  "NULL",
  "null",
  "true",
  "1e309",
  "-0",
  "é€😀",
  "𝕏",
  "‮",
  "' || pg_read_file('/etc/passwd') || '",
  "1' UNION SELECT usename FROM pg_user --",
  "'); COPY inj TO PROGRAM 'id'; --",
  "\\'; SELECT 1; --",
  "`id`",
  "$(id)",
  ";",
  "%",
  "_",
  "\\N",
  "\\.",
  "SELECT 1",
  "'::int",
  "E'",
  "\"; DROP TABLE \"inj",
  "x' AND 1=CAST((SELECT version()) AS int) --",
  "ROLLBACK; DROP TABLE inj;",
  "🙂🙂🙂",
  "longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong'",
  "'||(SELECT current_user)||'",
  "a'b\"c\\d\{e\}f",
  "0x27",
  "CHAR(39)",
  "%27",
  "&#39;"
]

step "Scratch table" {
  db.exec("CREATE TEMP TABLE inj (id int PRIMARY KEY, v text)")
} rollback {
  db.exec("DROP TABLE IF EXISTS inj")
}

step "Every hostile value round-trips through SELECT" {
  for v in corpus {
    expect db.scalar("SELECT {v}::text") == v
    expect db.scalar("SELECT length({v}::text)") == db.scalar("SELECT length({v})")
  }
  log("corpus of {len(corpus)} values round-tripped")
}

step "Every hostile value is stored as data" {
  for i in 0..len(corpus) - 1 {
    let v = corpus[i]
    let n = db.exec("INSERT INTO inj (id, v) VALUES ({i}, {v})")
    expect n == 1
  }
  let rows = db.query("SELECT id, v FROM inj ORDER BY id")
  expect len(rows) == len(corpus)
  for r in rows {
    expect r.v == corpus[r.id]
  }
  for v in corpus {
    expect db.scalar("SELECT count(*) FROM inj WHERE v = {v}") == 1
  }
  log("corpus of {len(corpus)} values stored intact")
} rollback {
  db.exec("DELETE FROM inj WHERE id >= 0")
}

step "Nothing was dropped or deleted" {
  let n = db.scalar("SELECT count(*) FROM inj")
  log("table inj still has {n} rows")
  expect n == len(corpus)
}
