" editors/vim/ftdetect/runbook.vim — which files are runbooks (docs/editors.md). The rule is
" the one of editors/vscode/detect.js; tests/editor/vim_test.sh runs both on tests/editor/detect/.
"   *.runbook  always;
"   *.rb       when a modeline in a comment among the first or last 5 lines names runbook
"              (`# vim: ft=runbook`, `# -*- mode: runbook -*-`), or, without a modeline
"              naming another type, when the first line that is neither blank nor a comment
"              (among the first 100) is `runbook "Title"`. Other .rb files stay Ruby.
" Vim's own rules have set `ruby` for *.rb by the time this runs, so a runbook sets the type
" with :set, not :setfiletype.

function! s:RunbookModeline() abort
  let last = line('$')
  let nums = range(1, min([5, last]))
  if last > 5
    let nums += range(max([6, last - 4]), last)
  endif
  for n in nums
    let l = getline(n)
    if l !~# '^\s*#'
      continue
    endif
    let ft = matchstr(l, '\%(^\|\s\)\%(vi\|vim\|ex\):\s*\%(set\=\s\+\)\=\%(.*[[:space:]:]\)\=\%(ft\|filetype\)=\zs[A-Za-z0-9_.-]\+')
    if empty(ft)
      let ft = matchstr(l, '-\*-\s*\%(.*;\s*\)\=\%(mode:\s*\)\=\zs[A-Za-z0-9_.-]\+\ze\s*\%(;.*\)\=-\*-')
    endif
    if !empty(ft)
      return tolower(ft)
    endif
  endfor
  return ''
endfunction

function! s:RunbookDetectRb() abort
  let ft = s:RunbookModeline()
  if !empty(ft)
    if ft ==# 'runbook'
      set filetype=runbook
    endif
    return
  endif
  for l in getline(1, 100)
    if l =~# '^\s*\%(#.*\)\=$'
      continue
    endif
    if l =~# '^runbook[ \t]\+["'']'
      set filetype=runbook
    endif
    return
  endfor
endfunction

autocmd BufNewFile,BufRead *.runbook setlocal filetype=runbook
autocmd BufNewFile,BufRead *.rb call s:RunbookDetectRb()
