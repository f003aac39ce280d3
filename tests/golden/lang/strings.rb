# String interpolation (nested, with expressions and escapes), """ strings with the common
# indentation removed, and raw '...' strings.
# expect: log    hello world, 3 items
# expect: log    nested: in world! 2
# expect: log    escapes: {braces} tab[	] quote["] backslash[\]
# expect: log    raw: {who} \n ' done
# expect: log    SELECT id
# expect: log      FROM users
# expect: log    WHERE name = 'world'
# expect: log    lines 3
# expect: log    no interpolation in raw: yes
# expect: log    empty [] []
# expect: == GO
runbook "strings"

let who = "world"
let items = [1, 2, 3]

step "strings" {
  log("hello {who}, {len(items)} items")
  log("nested: {"in {who + "!"} {"{1 + 1}"}"}")
  log("escapes: \{braces\} tab[\t] quote[\"] backslash[\\]")
  log('raw: {who} \n \' done')
  let q = """
      SELECT id
        FROM users
      WHERE name = '{who}'
      """
  log(q)
  log("lines {len(split(q, "\n"))}")
  let r = '{not interpolated}'
  if r == "\{not interpolated\}" {
    log("no interpolation in raw: yes")
  }
  log("empty [{""}] [{''}]")
}
