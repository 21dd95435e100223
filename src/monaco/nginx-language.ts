/**
 * nginx syntax highlighting for Monaco: a Monarch grammar as pure data (no Monaco import at run
 * time; the editor setup registers it). It follows the engine's lexer in spirit: a statement
 * starts with a directive name, then arguments up to `;` or `{`; `#` starts a comment only
 * where a token could start; quoted strings may span lines; `$var` and `${var}` are variables.
 */
import type { languages } from 'monaco-editor';

/* The tokenizer rules below are Monarch rules: Monaco tries each one anchored at the current
   position only, so no rule searches a line and super-linear "move" cannot happen there. */
/* eslint regexp/no-super-linear-move: "off" */

/** Directives that open a block: highlighted apart from ordinary directives. */
const blockDirectives = [
  'http',
  'server',
  'location',
  'upstream',
  'events',
  'stream',
  'mail',
  'if',
  'map',
  'geo',
  'types',
  'limit_except',
  'split_clients',
  'match',
];

export const nginxLanguageConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [['{', '}']],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
    { open: "'", close: "'", notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
  ],
  indentationRules: {
    // The last `{` on the line is still open.
    increaseIndentPattern: /\{[^{}"']*$/,
    decreaseIndentPattern: /^\s*\}/,
  },
  folding: { markers: { start: /\{\s*(#.*)?$/, end: /^\s*\}/ } },
  wordPattern: /[\w$.~*^=/:-]+/,
};

export const nginxLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.nginx',
  brackets: [{ open: '{', close: '}', token: 'delimiter.curly' }],
  ignoreCase: false,
  blockDirectives,
  literals: [
    'on',
    'off',
    'all',
    'none',
    'any',
    'default',
    'default_server',
    'ssl',
    'http2',
    'backup',
    'down',
    'local',
  ],
  tokenizer: {
    // Where a directive name is expected.
    root: [
      { include: '@whitespace' },
      [/[{}]/, '@brackets'],
      [/;/, 'delimiter'],
      [/\w+_by_lua_block(?=\s*\{)/, 'keyword.lua'],
      [
        /[A-Za-z_][\w]*/,
        {
          cases: {
            '@blockDirectives': { token: 'keyword.block', next: '@args' },
            '@default': { token: 'keyword', next: '@args' },
          },
        },
      ],
      [/\{\{[^}]*\}\}|\{%[^%]*%\}/, 'annotation'],
      [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/, { token: 'string', next: '@args' }],
      [/\S+/, { token: 'identifier', next: '@args' }],
    ],
    // A directive's arguments, up to `;` or `{`.
    args: [
      { include: '@whitespace' },
      [/;/, { token: 'delimiter', next: '@pop' }],
      [/\{(?![{%#])/, { token: '@brackets', next: '@pop' }],
      [/"/, { token: 'string.quote', next: '@dstring' }],
      [/'/, { token: 'string.quote', next: '@sstring' }],
      [/\{\{[^}]*\}\}|\{%[^%]*%\}/, 'annotation'],
      [/\$\{?[A-Za-z_]\w*\}?/, 'variable'],
      [/(~\*?|\^~|=|!~\*?|!?-[fdex])(?=\s)/, 'operator'],
      [/\d+(\.\d+)?(ms|[smhdwMy]|[kKmMgG])?(?=[\s;]|$)/, 'number'],
      [/https?:\/\/|grpcs?:\/\/|unix:/, 'type'],
      [/[^\s;{$"'#\\][^\s;{$"'\\]*/, { cases: { '@literals': 'constant', '@default': '' } }],
      [/\\./, 'string.escape'],
      [/[$#]/, ''],
    ],
    whitespace: [
      [/[ \t\r\n]+/, ''],
      [/#.*$/, 'comment'],
    ],
    dstring: [
      [/[^\\"$]+/, 'string'],
      [/\$\{?[A-Za-z_]\w*\}?/, 'variable'],
      [/\\./, 'string.escape'],
      [/\$/, 'string'],
      [/"/, { token: 'string.quote', next: '@pop' }],
    ],
    sstring: [
      [/[^\\'$]+/, 'string'],
      [/\$\{?[A-Za-z_]\w*\}?/, 'variable'],
      [/\\./, 'string.escape'],
      [/\$/, 'string'],
      [/'/, { token: 'string.quote', next: '@pop' }],
    ],
  },
};
