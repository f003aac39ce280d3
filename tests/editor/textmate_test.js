#!/usr/bin/env node
// tests/editor/textmate_test.js — the TextMate grammar (editors/vscode/syntaxes/
// runbook.tmLanguage.json), tokenised with the engine VS Code uses (vscode-textmate +
// vscode-oniguruma, installed by tests/editor/run_textmate.sh with `npm ci`).
//
//   node textmate_test.js --root REPO --runbook BUILD/runbook
//
// What it checks, each a numbered case with its own `ok`/`FAIL` line:
//   1. every golden, example, std module, tests/editor/all_tokens.runbook and every ```runbook
//      block of docs/*.md and README.md tokenises; in a file the compiler finds no syntax error
//      in (`runbook check --format json`, rule `syntax`), no token has an invalid.* scope and
//      no text outside whitespace is left with only source.runbook / meta.* scopes;
//   2. where the compiler reports a lexical error (unexpected character, unknown escape,
//      invalid number or duration, `&&`/`||`/`!`, a "..." string not closed on its line), the
//      token at that line:column has an invalid.* scope: the grammar mirrors grammar/lexer.re;
//   3. the pinned scopes of tests/editor/scopes.txt (`FILE:LINE: TEXT -> SCOPE`: the first
//      token on that line whose text is TEXT has SCOPE as its innermost scope);
//   4. every keyword of grammar/lexer.re, written alone, is a keyword (keyword.*, storage.*,
//      constant.language.*); every builtin of stdlib/builtins.def is in the grammar's lists and
//      the grammar names no builtin that is not there;
//   5. the extension's manifest points at the grammar and the language configuration, and
//      editors/vscode/detect.js tells runbooks from Ruby on tests/editor/detect/*.
// Ends with the plain `N passed, N failed` line.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = path.resolve(opt('--root') || path.join(__dirname, '..', '..'));
const runbook = opt('--runbook') && path.resolve(opt('--runbook'));
const here = __dirname;
const vsctm = require(path.join(here, 'node_modules', 'vscode-textmate'));
const onig = require(path.join(here, 'node_modules', 'vscode-oniguruma'));

let passed = 0, failed = 0;
function report(name, problems) {
  if (problems.length === 0) { passed++; console.log(`ok   ${name}`); return; }
  failed++;
  console.log(`FAIL ${name}`);
  for (const p of problems.slice(0, 40)) console.log(`     ${p}`);
  if (problems.length > 40) console.log(`     ... and ${problems.length - 40} more`);
}

function walk(dir, pred, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(here, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer;
  await onig.loadWASM(wasm);
  const grammarPath = path.join(root, 'editors', 'vscode', 'syntaxes', 'runbook.tmLanguage.json');
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new onig.OnigScanner(p),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.runbook' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  return registry.loadGrammar('source.runbook');
}

// [{line, text, tokens: [{start, end, text, scopes}]}]
function tokenize(grammar, source) {
  const lines = source.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let stack = vsctm.INITIAL;
  return lines.map((text, i) => {
    const r = grammar.tokenizeLine(text, stack);
    stack = r.ruleStack;
    // the last token may reach one past the line: the newline the engine adds
    const tokens = r.tokens.map((t) => ({
      start: t.startIndex, end: t.endIndex,
      text: text.slice(t.startIndex, t.endIndex), scopes: t.scopes,
    }));
    return { line: i + 1, text, tokens };
  });
}

const meaningful = (scope) => scope !== 'source.runbook' && !scope.startsWith('meta.');
const isInvalid = (t) => t.scopes.some((s) => s.startsWith('invalid.'));

// The compiler's syntax diagnostics of a file (as a root runbook); null without a binary.
function syntaxDiagnostics(file) {
  if (!runbook) return null;
  let out;
  try {
    out = execFileSync(runbook, ['check', '--format', 'json', path.basename(file)],
      { cwd: path.dirname(file), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout; // exit 65 with diagnostics on stdout
  }
  let doc;
  try { doc = JSON.parse(out); } catch (e) { doc = null; }
  if (!doc || !Array.isArray(doc.diagnostics)) throw new Error(`runbook check --format json ${file}: no JSON: ${out}`);
  const base = path.basename(file);
  return doc.diagnostics.filter((d) => d.rule === 'syntax' && path.basename(d.file) === base);
}

// The JS string index of a 1-based byte column on a line.
function columnIndex(text, col) {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.subarray(0, Math.max(0, col - 1)).toString('utf8').length;
}

const LEXICAL = [/^unexpected character/, /^unknown escape sequence/, /^invalid number or duration/,
  /^unexpected operator/, /^unterminated string$/];

function docBlocks() {
  // every ```runbook block of the docs, as a temporary file (lines kept apart by name)
  const out = [];
  const files = walk(path.join(root, 'docs'), (p) => p.endsWith('.md'));
  files.push(path.join(root, 'README.md'));
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'rbk-tm-'));
  for (const f of files) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = lines[i].match(/^(\s*)```runbook\s*$/);
      if (!m) continue;
      const body = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(m[1].length));
      const name = path.join(tmp, `${path.basename(f, '.md')}_line${i + 1}.rb`);
      fs.writeFileSync(name, body.join('\n') + '\n');
      out.push(name);
      i = j;
    }
  }
  return out;
}

async function main() {
  const grammar = await loadGrammar();
  const files = [
    ...walk(path.join(root, 'tests', 'golden'), (p) => p.endsWith('.rb')),
    ...walk(path.join(root, 'examples'), (p) => p.endsWith('.rb')),
    ...walk(path.join(root, 'stdlib', 'std'), (p) => p.endsWith('.rb')),
    ...walk(here, (p) => /\.(rb|runbook)$/.test(p) && path.dirname(p) === here),
    ...docBlocks(),
  ];

  // 1 and 2
  const clean = [], lexical = [];
  let nvalid = 0, nlex = 0;
  for (const f of files) {
    const rel = path.relative(root, f);
    const toks = tokenize(grammar, fs.readFileSync(f, 'utf8'));
    const diags = syntaxDiagnostics(f);
    if (diags !== null && diags.length === 0) {
      nvalid++;
      for (const l of toks)
        for (const t of l.tokens) {
          if (isInvalid(t)) clean.push(`${rel}:${l.line}:${t.start + 1}: ${JSON.stringify(t.text)} is ${t.scopes.join(' ')}`);
          else if (/\S/.test(t.text) && !t.scopes.some(meaningful))
            clean.push(`${rel}:${l.line}:${t.start + 1}: ${JSON.stringify(t.text)} has no scope (${t.scopes.join(' ')})`);
        }
    }
    for (const d of diags || []) {
      if (!LEXICAL.some((re) => re.test(d.message))) continue;
      nlex++;
      const l = toks[d.line - 1];
      const at = l ? columnIndex(l.text, d.column) : -1;
      // past the end of the line (a string not closed on it): the line's last token
      const t = l && (at >= l.text.length ? l.tokens.filter((k) => k.start < l.text.length).pop()
        : l.tokens.find((k) => k.start <= at && at < k.end));
      if (!t || !isInvalid(t))
        lexical.push(`${rel}:${d.line}:${d.column}: the compiler says "${d.message}", the grammar gives ` +
          (t ? `${JSON.stringify(t.text)} ${t.scopes.join(' ')}` : 'no token'));
    }
  }
  if (runbook) {
    report(`1. ${files.length} files tokenised; the ${nvalid} without syntax errors have no invalid or unscoped token`, clean);
    if (nvalid < 100) report('1b. enough valid files were found', [`only ${nvalid}`]);
    report(`2. the ${nlex} lexical errors the compiler reports are invalid.* tokens`, lexical);
    if (nlex < 10) report('2b. the goldens and tests/editor hold lexical errors to compare', [`only ${nlex}`]);
  } else {
    report('1. the runbook binary is given (--runbook), to tell valid files', ['no --runbook']);
  }

  // 3
  const pins = [];
  let npins = 0;
  const cache = new Map();
  const spec = fs.readFileSync(path.join(here, 'scopes.txt'), 'utf8').split('\n');
  spec.forEach((raw, k) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = line.match(/^(\S+):(\d+): (.+) -> (\S+)$/);
    if (!m) { pins.push(`scopes.txt:${k + 1}: not FILE:LINE: TEXT -> SCOPE`); return; }
    npins++;
    const [, file, ln, text, scope] = m;
    const abs = path.join(root, file);
    if (!cache.has(abs)) cache.set(abs, fs.existsSync(abs) ? tokenize(grammar, fs.readFileSync(abs, 'utf8')) : null);
    const toks = cache.get(abs);
    const l = toks && toks[Number(ln) - 1];
    if (!l) { pins.push(`scopes.txt:${k + 1}: ${file} has no line ${ln}`); return; }
    const t = l.tokens.find((x) => x.text === text);
    if (!t) {
      pins.push(`scopes.txt:${k + 1}: no token ${JSON.stringify(text)} on ${file}:${ln}; the tokens are ` +
        l.tokens.filter((x) => /\S/.test(x.text)).map((x) => JSON.stringify(x.text)).join(' '));
      return;
    }
    const inner = t.scopes[t.scopes.length - 1];
    if (inner !== scope) pins.push(`scopes.txt:${k + 1}: ${file}:${ln} ${JSON.stringify(text)} is ${inner}, expected ${scope}`);
  });
  report(`3. the ${npins} pinned scopes of tests/editor/scopes.txt`, pins);

  // 4
  const lexer = fs.readFileSync(path.join(root, 'grammar', 'lexer.re'), 'utf8');
  const keywords = [...lexer.matchAll(/^\s*<INIT> "([a-z-]+)" \{ loc->end = pos\(L, L->cur\); return TK_/gm)].map((m) => m[1]);
  const kw = [];
  for (const w of keywords) {
    const t = tokenize(grammar, w + '\n')[0].tokens.find((x) => x.text.trim());
    const inner = t && t.scopes[t.scopes.length - 1];
    if (!t || t.text !== w || !/^(keyword|storage|constant\.language)\./.test(inner))
      kw.push(`keyword ${w}: ${t ? JSON.stringify(t.text) + ' ' + inner : 'no token'}`);
  }
  if (keywords.length < 30) kw.push(`only ${keywords.length} keywords read from grammar/lexer.re`);
  report(`4a. the ${keywords.length} keywords of grammar/lexer.re are keywords`, kw);

  const def = fs.readFileSync(path.join(root, 'stdlib', 'builtins.def'), 'utf8');
  const builtins = new Set([...def.matchAll(/^RBK_BUILTIN\(\s*\w+\s*,\s*"([^"]+)"/gm)].map((m) => m[1]));
  const gram = JSON.parse(fs.readFileSync(path.join(root, 'editors', 'vscode', 'syntaxes', 'runbook.tmLanguage.json'), 'utf8'));
  const named = new Set();
  for (const p of gram.repository.builtin.patterns) {
    const ns = p.match.match(/^\\b\((\w+)\)\\s\*\(\\\.\)\\s\*\(([\w|]+)\)/);
    if (ns) { for (const f of ns[2].split('|')) named.add(`${ns[1]}.${f}`); continue; }
    const bare = p.match.match(/^\\b\(([\w|]+)\)\\b/);
    if (bare) for (const f of bare[1].split('|')) named.add(f);
  }
  for (const p of gram.repository['env-access'].patterns) {
    const g = p.match.match(/\(get\)/);
    if (g) named.add('env.get');
  }
  const bi = [];
  for (const b of builtins) if (!named.has(b)) bi.push(`${b} (stdlib/builtins.def) is not highlighted as a builtin`);
  for (const b of named) if (!builtins.has(b)) bi.push(`the grammar names ${b}, which stdlib/builtins.def does not have`);
  if (builtins.size < 30) bi.push(`only ${builtins.size} builtins read from stdlib/builtins.def`);
  report(`4b. the grammar's builtins are the ${builtins.size} of stdlib/builtins.def`, bi);

  // 5
  const ext = path.join(root, 'editors', 'vscode');
  const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
  const mf = [];
  const lang = (pkg.contributes.languages || []).find((l) => l.id === 'runbook');
  const gr = (pkg.contributes.grammars || []).find((g) => g.language === 'runbook');
  if (!lang) mf.push('no language runbook');
  else {
    if (!(lang.extensions || []).includes('.runbook')) mf.push('the language does not claim .runbook');
    if (!fs.existsSync(path.join(ext, lang.configuration))) mf.push(`${lang.configuration} does not exist`);
    else {
      const conf = JSON.parse(fs.readFileSync(path.join(ext, lang.configuration), 'utf8'));
      if (!conf.comments || conf.comments.lineComment !== '#') mf.push('the line comment is not #');
    }
  }
  if (!gr || gr.scopeName !== gram.scopeName || !fs.existsSync(path.join(ext, gr.path))) mf.push('the grammar contribution does not point at the grammar');
  if (!fs.existsSync(path.join(ext, pkg.main))) mf.push(`main ${pkg.main} does not exist`);
  report('5a. the VS Code manifest points at the grammar, the language configuration and the extension', mf);

  const detect = require(path.join(ext, 'detect.js'));
  const dt = [];
  const cases = walk(path.join(here, 'detect'), () => true);
  for (const f of cases) {
    const want = path.basename(f).startsWith('runbook_') ? 'runbook' : 'ruby';
    const got = detect.languageOf(f, fs.readFileSync(f, 'utf8'));
    if (got !== want) dt.push(`${path.relative(root, f)}: detected ${got}, expected ${want}`);
  }
  if (cases.length < 6) dt.push(`only ${cases.length} cases in tests/editor/detect`);
  report(`5b. detect.js tells the ${cases.length} runbook and Ruby files of tests/editor/detect apart`, dt);

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
