runbook "Strings"
param name = "x"

step "strings keep every byte" {
  let a = "tabs	and  spaces  {name}  {name:raw}  \{not a hole\}  \"q\""
  let b = 'raw   {name}   \'quoted\''
  let c = sh("echo   {name}  |  tr a-z A-Z")
  let d = """
          SELECT  *
            FROM   t   WHERE x = {name}
      """
  let e = "nested {"inner {name + "x"}  "}  end"
  let f = """  one line  """
  log(a + b + c.stdout + d + e + f)
}
