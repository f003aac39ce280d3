# Typed values by column type: int2/int4/int8 -> int, float4/float8/numeric -> float,
# bool -> bool, text-like -> string, json/jsonb -> decoded values, NULL -> nil, others -> text.
# requires: pg
# exit: 0
# expect: int2=1 int4=2 int8=9007199254740993
# expect: float4=1.5 float8=2.25 numeric=3.0
# expect: bool=true/false
# expect: text=[x y] varchar=[vc] bpchar=[z  ] name=[nm] char=[c]
# expect: json={"b": 1, "a": [1, 2.5, nil, true, "s"]}
# expect: jsonb.k.x=-7 jsonb.k.list=[]
# expect: null=nil
# expect: date=[2024-01-02] interval=[1 day 02:00:00] array=[{1,2}]
# expect: columns=["a", "b", "c", "d", "e", "f", "g", "g2", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "u"]
runbook "SQL: typed results"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Every listed type comes back typed" {
  let rows = db.query("""
    SELECT 1::int2 AS a, 2::int4 AS b, 9007199254740993::int8 AS c,
           1.5::float4 AS d, 2.25::float8 AS e, 3::numeric AS f,
           true AS g, false AS g2,
           'x y'::text AS h, 'vc'::varchar(5) AS i, 'z'::char(3) AS j, 'nm'::name AS k,
           'c'::"char" AS l,
           '\{"b":1,"a":[1,2.5,null,true,"s"]\}'::json AS m,
           '\{"k":\{"x":-7,"list":[]\}\}'::jsonb AS n,
           NULL::int AS o, '2024-01-02'::date AS p, '1 day 02:00'::interval AS q,
           '\{1,2\}'::int[] AS u
  """)
  expect len(rows) == 1
  let r = rows[0]
  log("int2={r.a} int4={r.b} int8={r.c}")
  log("float4={r.d} float8={r.e} numeric={r.f}")
  log("bool={r.g}/{r.g2}")
  log("text=[{r.h}] varchar=[{r.i}] bpchar=[{r.j}] name=[{r.k}] char=[{r.l}]")
  log("json={r.m}")
  log("jsonb.k.x={r.n.k.x} jsonb.k.list={r.n.k.list}")
  log("null={r.o}")
  log("date=[{r.p}] interval=[{r.q}] array=[{r.u}]")
  log("columns={keys(r)}")
  expect r.a + r.b == 3
  expect r.c == 9007199254740993
  expect r.f == 3.0 and str(r.f) == "3.0"
  expect r.g == true and r.g2 == false
  expect r.m.a[1] == 2.5 and r.m.a[2] == nil
  expect r.o == nil
  expect db.scalar("SELECT NULL") == nil
  expect str(db.scalar("SELECT 'Infinity'::float8")) == "inf"
}
