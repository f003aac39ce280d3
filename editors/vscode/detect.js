// editors/vscode/detect.js — tells a runbook from a Ruby file: the rule of docs/editors.md,
// written once here for the VS Code extension (extension.js) and mirrored by
// editors/vim/ftdetect/runbook.vim; tests/editor/textmate_test.js and tests/editor/vim_test.sh
// run both on the files of tests/editor/detect/. No dependency on the vscode module.
//
// A file is a runbook when
//   - its name ends in .runbook, or
//   - its name ends in .rb and
//       - a modeline in a comment among its first or last 5 lines names runbook
//         (`# vim: ft=runbook`, `# vim: set filetype=runbook:`, `# -*- mode: runbook -*-`);
//         a modeline that names another type (`# vim: ft=ruby`) makes it that, or
//       - without a modeline, its first line that is neither blank nor a comment (among the
//         first 100) declares the title: `runbook "Title"`.
// Anything else ending in .rb is left to Ruby. (A Ruby file whose first code is a call of a
// method named runbook with a string is taken for a runbook: `# vim: ft=ruby` keeps it Ruby.)
'use strict';

const VIM = /(?:^|\s)(?:vi|vim|ex):\s*(?:set?\s+)?(?:.*[\s:])?(?:ft|filetype)=([A-Za-z0-9_.-]+)/;
const EMACS = /-\*-\s*(?:.*;\s*)?(?:mode:\s*)?([A-Za-z0-9_.-]+)\s*(?:;.*)?-\*-/;
const TITLE = /^runbook[ \t]+["']/;

// The file type a modeline names, or null.
function modeline(lines) {
  const ends = lines.slice(0, 5).concat(lines.length > 5 ? lines.slice(-5) : []);
  for (const l of ends) {
    if (!/^\s*#/.test(l)) continue;
    const m = l.match(VIM) || l.match(EMACS);
    if (m) return m[1].toLowerCase();
  }
  return null;
}

function firstCodeLine(lines) {
  for (const l of lines.slice(0, 100)) {
    if (/^\s*(#.*)?$/.test(l)) continue;
    return l;
  }
  return '';
}

// 'runbook' or 'ruby' for a .rb file, 'runbook' for .runbook, null for anything else.
function languageOf(fileName, text) {
  if (/\.runbook$/i.test(fileName)) return 'runbook';
  if (!/\.rb$/i.test(fileName)) return null;
  const lines = text.split(/\r?\n/);
  const ft = modeline(lines);
  if (ft) return ft === 'runbook' ? 'runbook' : 'ruby';
  return TITLE.test(firstCodeLine(lines)) ? 'runbook' : 'ruby';
}

module.exports = { languageOf };
