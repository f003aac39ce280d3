-- bench/vm/vm.lua — the Lua 5.4 anchor of bench/vm/vm.rb: the same kernels, the same work.
-- lua5.4 vm.lua [kernel [n]]
local kernel = arg[1] or "all"
local n = tonumber(arg[2] or "1")

local function loops(n)
  local acc = 0
  for i = 1, n * 5000 do
    for j = 1, 1000 do
      acc = (acc + i * j) % 1000003
    end
  end
  return acc
end

local function lists(n)
  local total = 0
  for r = 1, n * 24000 do
    local l = {}
    for i = 1, 100 do
      l[#l + 1] = i
    end
    for _, x in ipairs(l) do
      total = total + x
    end
  end
  return total
end

local function strings(n)
  local total = 0
  for r = 1, n * 6000 do
    local s = ""
    for i = 1, 100 do
      s = s .. i .. ","
    end
    total = total + #s
  end
  return total
end

local function maps(n)
  local m = {alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7, theta = 8,
             iota = 9, kappa = 10, lambda = 11, mu = 12, nu = 13, xi = 14, omicron = 15, pi = 16}
  local ks = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
              "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi"}
  local total = 0
  for r = 1, n * 250000 do
    for _, k in ipairs(ks) do
      total = total + m[k]
    end
  end
  return total
end

local function add3(a, b, c)
  return a + b + c
end

local function calls(n)
  local total = 0
  for i = 1, n * 7000000 do
    total = add3(total, i, 1) % 1000003
  end
  return total
end

local all = kernel == "all"
if all or kernel == "loops" then print("loops " .. loops(n)) end
if all or kernel == "lists" then print("lists " .. lists(n)) end
if all or kernel == "strings" then print("strings " .. strings(n)) end
if all or kernel == "maps" then print("maps " .. maps(n)) end
if all or kernel == "calls" then print("calls " .. calls(n)) end
