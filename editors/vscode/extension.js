// editors/vscode/extension.js — the VS Code extension's code. The grammar and the language
// configuration work without it; it adds two things:
//   1. .rb files that are runbooks (detect.js, docs/editors.md) are switched from Ruby to
//      runbook when opened (setting runbook.detectRbFiles);
//   2. the language client for `runbook lsp` (docs/cli.md). With runbook.lsp.enabled "auto"
//      it starts only when `runbook __complete commands` lists `lsp` (an older runbook has no
//      server); "on" starts it anyway, "off" never. vscode-languageclient is loaded only then,
//      so the extension works without its node_modules when no server is started.
'use strict';
const vscode = require('vscode');
const { execFile } = require('child_process');
const { languageOf } = require('./detect');

let client = null;

function maybeSwitch(doc) {
  if (!vscode.workspace.getConfiguration('runbook').get('detectRbFiles', true)) return;
  if (doc.languageId !== 'ruby' && doc.languageId !== 'plaintext') return;
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
  if (languageOf(doc.fileName, doc.getText()) === 'runbook') {
    vscode.languages.setTextDocumentLanguage(doc, 'runbook');
  }
}

function hasLspCommand(exe) {
  return new Promise((resolve) => {
    execFile(exe, ['__complete', 'commands'], { timeout: 5000 }, (err, stdout) => {
      resolve(!err && stdout.split('\n').includes('lsp'));
    });
  });
}

async function startClient(context) {
  const conf = vscode.workspace.getConfiguration('runbook');
  const mode = conf.get('lsp.enabled', 'auto');
  const exe = conf.get('path', 'runbook');
  if (mode === 'off') return;
  if (mode === 'auto' && !(await hasLspCommand(exe))) return;
  let lc;
  try {
    lc = require('vscode-languageclient/node');
  } catch (e) {
    vscode.window.showWarningMessage(
      'runbook: the language client is not installed: run `npm ci` in the extension folder (docs/editors.md).');
    return;
  }
  client = new lc.LanguageClient(
    'runbook',
    'runbook lsp',
    { command: exe, args: ['lsp'], transport: lc.TransportKind.stdio },
    {
      documentSelector: [{ language: 'runbook' }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{rb,runbook}') },
    });
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(`runbook: could not start \`${exe} lsp\`: ${e.message}`);
  }
}

function activate(context) {
  vscode.workspace.textDocuments.forEach(maybeSwitch);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(maybeSwitch));
  return startClient(context);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
