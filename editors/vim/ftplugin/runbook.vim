" editors/vim/ftplugin/runbook.vim — settings for runbook buffers (docs/editors.md).
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" comments are # to the end of the line (gcc, :Commentary, Neovim's gc use commentstring)
setlocal commentstring=#\ %s comments=:#
setlocal formatoptions-=t formatoptions+=croql
" the house style: two spaces
setlocal expandtab shiftwidth=2 softtabstop=2
" gf on use "./lib/checks.rb"
setlocal suffixesadd=.rb,.runbook
" :make checks the buffer's file: errors and warnings go to the quickfix list
setlocal makeprg=runbook\ check\ %
setlocal errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%-G%.%#

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< softtabstop< suffixesadd< makeprg< errorformat<'
