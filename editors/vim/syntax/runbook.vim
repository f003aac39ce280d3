" Vim syntax file
" Language:    runbook (docs/language.md §2; the tokens of grammar/lexer.re)
" Maintainer:  the runbook project (editors/vim/syntax/runbook.vim)
" The groups follow the TextMate grammar of editors/vscode; tests/editor/vim_test.sh checks
" them at positions of tests/editor/all_tokens.runbook in Vim and, where installed, Neovim.
"
" Everything is a :syn match or region, none a :syn keyword: a keyword is an ordinary name
" after a `.`, before the `:` of a named argument and as a map key (r.json.step, env: {...},
" {in: 1}), and a Vim keyword item would win over the match that says so. Among matches that
" start at the same column the one defined last wins, so the general ones come first.

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn sync fromstart

" ---------------------------------------------------------------- keywords
syn match runbookDeclaration "\<\%(runbook\|section\|step\)\>"
syn match runbookStorage     "\<\%(env\|param\|let\|fn\)\>"
" hosts GROUP, ... (docs/fleet.md): a keyword only at the start of a line before a name
syn match runbookStorage     "^\s*\zshosts\ze\s\+\h"
" lock "NAME" (docs/state.md): a keyword only at the start of a line before a string
syn match runbookStorage     "^\s*\zslock\ze\s\+\""
syn match runbookImport      "\<\%(use\|as\)\>"
syn match runbookConditional "\<\%(if\|else\)\>"
syn match runbookRepeat      "\<for\>"
syn match runbookStatement   "\<return\>"
syn match runbookGuard       "\<\%(expect\|fail\)\>"
syn match runbookGuard       "\<stop-if\>"
syn match runbookWait        "\<\%(watch\|within\|every\)\>"
syn match runbookRollback    "\<\%(rollback\|irreversible\)\>"
syn match runbookOperatorWord "\<\%(and\|or\|not\|contains\|matches\|in\)\>"
syn match runbookBoolean     "\<\%(true\|false\)\>"
syn match runbookNil         "\<nil\>"

" step attributes: ordinary names recognised by position (timeout 5m, retry 2; a per-item
" step's serial 2, serial 25%, max_fail 1)
syn match runbookStepAttr "\<\%(timeout\|retry\|serial\|max_fail\)\>\ze\s\+\d"

" ---------------------------------------------------------------- names
" calls: user functions, then the natives of stdlib/builtins.def
syn match runbookCall "\<\%(\%(if\|else\|not\|and\|or\|in\|contains\|matches\|return\|expect\|fail\|for\|watch\|within\|every\)\>\)\@!\h\w*\ze\s*("
syn match runbookBuiltin "\<\%(len\|keys\|values\|str\|int\|float\|lower\|upper\|trim\|split\|join\|replace\|starts_with\|ends_with\|any\|all\|secret\|log\|wait\|sort\|unique\|min\|max\|sum\|now\|sh\|exec\|confirm\|ask\|approve\)\ze\s*("
syn match runbookBuiltin "\<\%(http\s*\.\s*\%(get\|head\|delete\|post\|put\|patch\|request\)\|sql\s*\.\s*\%(connect\|query\|scalar\|exec\|close\)\|file\s*\.\s*\%(exists\|size\|read\|write\|sha256\|upload\|download\)\|json\s*\.\s*\%(parse\|encode\)\|tcp\s*\.\s*open\|re\s*\.\s*\%(match\|find_all\)\|time\s*\.\s*\%(parse\|format\)\|env\s*\.\s*get\)\>"
" env.NAME
syn match runbookEnvVar "\<env\s*\.\s*\%(get\s*(\)\@!\h\w*" contains=runbookEnvLang
syn match runbookEnvLang "\<env\>" contained
" a name after `.`: a field or a method, never a keyword
syn match runbookField "\.\@1<=\s*\h\w*"
" a bare map key or a named argument (not the :raw / :ident of an interpolation)
syn match runbookKey "\<\h\w*\ze\s*:\%(\s*\%(raw\|ident\)\s*}\)\@!"

" declarations
syn match runbookFunction "\%(\<fn\s\+\)\@<=\h\w*"
syn match runbookVarDecl  "\%(\<let\s\+\)\@<=\h\w*"
syn match runbookVarDecl  "\%(\<for\s\+\%(\h\w*\s*,\s*\)\=\)\@<=\h\w*"
syn match runbookParamName "\%(\<param\s\+\)\@<=\h\w*"
syn match runbookType "\%(\<param\s\+\h\w*\s*:\s*\)\@<=\%(string\|int\|float\|bool\|duration\)\>"
syn match runbookModifier "\%(\<\%(env\|param\)\s.*[[:alnum:]_"']\s\+\)\@<=\%(secret\|optional\)\>"
syn match runbookNamespace "\%(\<as\s\+\)\@<=\h\w*"

" ---------------------------------------------------------------- numbers
syn match runbookNumber      "\<\d[0-9_]*\>"
syn match runbookFloat       "\<\d[0-9_]*\%(\.\d\+\%([eE][+-]\=\d\+\)\=\|[eE][+-]\=\d\+\)\>"
syn match runbookDuration    "\<\d[0-9_]*\%(\.\d\+\)\=\%(ms\|s\|m\|h\|d\)\>"
" a number followed by other letters (5sec, 10x, 1e3s) is the lexer's `invalid number or
" duration`; defined after the valid forms, which it leaves alone (\@> keeps 1_000 whole)
syn match runbookNumberError "\<\%(\d[0-9_]*\%(\.\d\+\)\=\)\@>\%(\%(ms\|s\|m\|h\|d\)\>\|[eE][+-]\=\d\)\@!\h\w*"
syn match runbookNumberError "\<\%(\d[0-9_]*\%(\.\d\+\)\=[eE][+-]\=\d\+\)\@>\h\w*"
" a percentage (serial 25%, max_fail 10%): digits and % before a blank, { or the end of the
" line, as the lexer reads it; otherwise % is the modulo operator
syn match runbookPercent     "\<\d[0-9_]*%\ze\%(\s\|{\|$\)"

" ---------------------------------------------------------------- operators and errors
syn match runbookOperator "==\|!=\|<=\|>=\|[<>=+*/%-]\|\.\."
syn match runbookError    "&&\|||\|!\%(=\)\@!"
syn match runbookError    "[@$;?`^~|&]"
syn match runbookError    "[^\x00-\x7f]"
syn match runbookContinuation "\\\ze\s*$"

" ---------------------------------------------------------------- strings
syn match  runbookEscape        +\\[ntr"\\{}]+ contained
syn match  runbookEscapeError   +\\[^ntr"\\{}]+ contained
syn match  runbookFormat        +:\s*\%(raw\|ident\)\ze\s*}+ contained
syn cluster runbookExpr contains=runbookDeclaration,runbookStorage,runbookImport,runbookConditional,runbookRepeat,runbookStatement,runbookGuard,runbookWait,runbookRollback,runbookOperatorWord,runbookBoolean,runbookNil,runbookCall,runbookBuiltin,runbookEnvVar,runbookField,runbookKey,runbookNumberError,runbookNumber,runbookFloat,runbookDuration,runbookOperator,runbookError,runbookString,runbookTripleString,runbookRawString,runbookUnterminated,runbookBraces
syn region runbookInterpolation matchgroup=runbookInterpolationDelim start=+{+ end=+}+ contained contains=runbookFormat,@runbookExpr
syn region runbookBraces start=+{+ end=+}+ transparent contained contains=runbookFormat,@runbookExpr
syn region runbookString      start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=runbookEscape,runbookEscapeError,runbookInterpolation,@Spell
" a "..." string ends on its line: without its closing quote it is an error
syn match  runbookUnterminated +"\%([^"\\]\|\\.\)*$+
syn region runbookTripleString start=+"""+ end=+"""+ contains=runbookEscape,runbookEscapeError,runbookInterpolation,@Spell
syn region runbookRawString   start=+'+ skip=+\\'+ end=+'+ contains=runbookRawEscape,@Spell
syn match  runbookRawEscape   +\\'+ contained

" the title, a section's and a step's name (after the keyword)
syn match runbookTitle    +\%(\<runbook\s\+\)\@<="\%([^"\\]\|\\.\)*"+ contains=runbookEscape,runbookEscapeError
syn match runbookSection  +\%(\<section\s\+\)\@<="\%([^"\\]\|\\.\)*"+ contains=runbookEscape,runbookEscapeError
syn match runbookStepName +\%(\<step\s\+\)\@<="\%([^"\\]\|\\.\)*"+ contains=runbookEscape,runbookEscapeError

" ---------------------------------------------------------------- comments
syn keyword runbookTodo TODO FIXME XXX NOTE contained
syn match runbookComment "#.*$" contains=runbookTodo,@Spell

" ---------------------------------------------------------------- colours
hi def link runbookDeclaration   Keyword
hi def link runbookStorage       StorageClass
hi def link runbookImport        Include
hi def link runbookConditional   Conditional
hi def link runbookRepeat        Repeat
hi def link runbookStatement     Statement
hi def link runbookGuard         Exception
hi def link runbookWait          Keyword
hi def link runbookRollback      Exception
hi def link runbookOperatorWord  Operator
hi def link runbookBoolean       Boolean
hi def link runbookNil           Constant
hi def link runbookStepAttr      StorageClass
hi def link runbookPercent       Number
hi def link runbookCall          Function
hi def link runbookBuiltin       Function
hi def link runbookEnvVar        Identifier
hi def link runbookEnvLang       Special
hi def link runbookField         Identifier
hi def link runbookKey           Identifier
hi def link runbookFunction      Function
hi def link runbookVarDecl       Identifier
hi def link runbookParamName     Identifier
hi def link runbookType          Type
hi def link runbookModifier      StorageClass
hi def link runbookNamespace     Identifier
hi def link runbookNumberError   Error
hi def link runbookNumber        Number
hi def link runbookFloat         Float
hi def link runbookDuration      Number
hi def link runbookOperator      Operator
hi def link runbookError         Error
hi def link runbookContinuation  Special
hi def link runbookEscape        SpecialChar
hi def link runbookEscapeError   Error
hi def link runbookFormat        Special
hi def link runbookInterpolationDelim Delimiter
hi def link runbookString        String
hi def link runbookUnterminated  Error
hi def link runbookTripleString  String
hi def link runbookRawString     String
hi def link runbookRawEscape     SpecialChar
hi def link runbookTitle         Title
hi def link runbookSection       Title
hi def link runbookStepName      Function
hi def link runbookTodo          Todo
hi def link runbookComment       Comment

let b:current_syntax = 'runbook'
let &cpo = s:cpo_save
unlet s:cpo_save
