-- tests/lsp/nvim_client.lua — run by tests/lsp/nvim_test.py in `nvim --clean --headless`:
-- Neovim's own LSP client (the vim.lsp API of 0.7 and later) against `runbook lsp`. Opens
-- $RBK_FILE, starts the server with vim.lsp.start_client, waits for it to initialize, types a
-- mistake into line $RBK_LINE, waits for the diagnostics Neovim received, asks for a hover,
-- and writes what it got to $RBK_OUT, one fact a line, for the test to compare.
local out = {}
local function put(s) table.insert(out, s) end
local function finish(code)
  vim.fn.writefile(out, vim.env.RBK_OUT)
  vim.cmd(code == 0 and "qall!" or "cquit! " .. code)
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.RBK_FILE))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "runbook",
    cmd = { vim.env.RBK_RUNBOOK, "lsp" },
    root_dir = vim.fn.fnamemodify(vim.env.RBK_FILE, ":h"),
    flags = { debounce_text_changes = 0 },
  })
  assert(id, "start_client failed")
  assert(vim.lsp.buf_attach_client(buf, id), "buf_attach_client failed")
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(20000, function()
    return client.server_capabilities ~= nil and client.server_capabilities.hoverProvider == true
  end, 20), "the server did not initialize")
  put("initialized hoverProvider=" .. tostring(client.server_capabilities.hoverProvider))

  -- type a mistake: a new line that reads a name nobody declared
  vim.bo.autoindent = false -- the typed text is the whole line
  local line = tonumber(vim.env.RBK_LINE)
  vim.api.nvim_win_set_cursor(0, { line, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("O" .. vim.env.RBK_TYPE .. "<Esc>", true, false, true), "xt", false)
  local function mine()
    local got = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.message:find("undeclared_thing", 1, true) then table.insert(got, d) end
    end
    return got
  end
  assert(vim.wait(20000, function() return #mine() > 0 end, 20), "no diagnostic arrived")
  for _, d in ipairs(mine()) do
    put(string.format("diagnostic %d:%d-%d:%d severity=%d source=%s %s", d.lnum + 1, d.col, d.end_lnum + 1,
      d.end_col, d.severity, tostring(d.source), d.message))
  end

  -- hover on the builtin of the line typed (the cursor column is a byte column; the client
  -- converts it to UTF-16)
  local hline, hcol = tonumber(vim.env.RBK_HOVER_LINE), tonumber(vim.env.RBK_HOVER_COL)
  vim.api.nvim_win_set_cursor(0, { hline, hcol })
  local params = vim.lsp.util.make_position_params()
  local res = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 20000)
  assert(res and res[id] and res[id].result, "no hover answer")
  local value = res[id].result.contents.value
  for l in value:gmatch("[^\n]+") do put("hover " .. l) end

  -- formatting: line 5 written carelessly, then the client asks the server to format the buffer
  -- (vim.lsp.buf.format from 0.8, formatting_sync in 0.7) and applies the edit it gets
  vim.api.nvim_buf_set_lines(buf, 4, 5, false, { "    let   r=http.get( env.API_URL )" })
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = buf, timeout_ms = 20000 })
  else
    vim.lsp.buf.formatting_sync(nil, 20000)
  end
  for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do put("fmt " .. l) end

  -- the client shuts the server down; it must exit (status 0 after shutdown)
  vim.lsp.stop_client(id)
  assert(vim.wait(20000, function() return client.is_stopped() end, 20), "the server did not stop")
  put("stopped")
end)
if not ok then put("error " .. tostring(err)); finish(1) else finish(0) end
