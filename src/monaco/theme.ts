/**
 * Monaco's own light and dark themes fall short of 4.5:1 on the diff's backgrounds (green on
 * green, blue on olive) and their dimmed line numbers are barely visible. These keep Monaco's
 * chrome and replace its token colours and diff backgrounds with ones checked against every
 * background a token can sit on (plain, added, removed, and under the app's line marks).
 */
import { editor } from 'monaco-editor/editor';

type Role =
  'text' | 'keyword' | 'string' | 'number' | 'comment' | 'type' | 'variable' | 'delimiter';

const palettes: Record<'light' | 'dark', Record<Role, string>> = {
  light: {
    text: '1d1f21',
    keyword: '0000b8',
    string: '9a1111',
    number: '0b5e36',
    comment: '335a1f',
    type: '175468',
    variable: '6b2c91',
    delimiter: '3c3c3c',
  },
  dark: {
    text: 'ececec',
    keyword: 'a3ccff',
    string: 'f7c2aa',
    number: 'c6ecb8',
    comment: 'b4daa4',
    type: '8fe3d5',
    variable: 'dcbcf5',
    delimiter: 'd6d6d6',
  },
};

/**
 * Every token the built-in themes colour, by the role its colour plays here. A base rule more
 * specific than ours would win over a plain `string` rule, so each is named.
 */
const tokens: Record<string, Role> = {
  '': 'text',
  emphasis: 'text',
  strong: 'text',
  comment: 'comment',
  keyword: 'keyword',
  'keyword.flow': 'keyword',
  'keyword.flow.scss': 'keyword',
  'keyword.json': 'keyword',
  tag: 'keyword',
  'tag.class.pug': 'keyword',
  'tag.id.pug': 'keyword',
  meta: 'keyword',
  'meta.scss': 'keyword',
  'meta.tag': 'keyword',
  metatag: 'keyword',
  'metatag.content.html': 'keyword',
  'metatag.html': 'keyword',
  'metatag.php': 'keyword',
  'metatag.xml': 'keyword',
  string: 'string',
  'string.html': 'string',
  'string.key': 'type',
  'string.key.json': 'type',
  'string.sql': 'string',
  'string.value': 'string',
  'string.value.json': 'string',
  'string.yaml': 'string',
  regexp: 'string',
  invalid: 'string',
  'attribute.value': 'string',
  'attribute.value.html': 'string',
  'attribute.value.xml': 'string',
  'attribute.value.hex.css': 'number',
  'attribute.value.number': 'number',
  'attribute.value.number.css': 'number',
  'attribute.value.unit': 'number',
  'attribute.value.unit.css': 'number',
  number: 'number',
  'number.hex': 'number',
  constant: 'number',
  type: 'type',
  key: 'type',
  annotation: 'type',
  'attribute.name': 'type',
  'predefined.sql': 'type',
  variable: 'variable',
  'variable.parameter': 'variable',
  'variable.predefined': 'variable',
  delimiter: 'delimiter',
  'delimiter.html': 'delimiter',
  'delimiter.xml': 'delimiter',
  'operator.scss': 'delimiter',
  'operator.sql': 'delimiter',
  'operator.swift': 'delimiter',
};

const colors = {
  light: {
    'editor.background': '#ffffff',
    'editor.foreground': '#1d1f21',
    'editorLineNumber.foreground': '#545b66',
    'editorLineNumber.dimmedForeground': '#545b66',
    'editorLineNumber.activeForeground': '#1d1f21',
    'diffEditor.insertedLineBackground': '#e9f5e1',
    'diffEditor.insertedTextBackground': '#cfeac0',
    'diffEditor.removedLineBackground': '#fbe9e9',
    'diffEditor.removedTextBackground': '#f5cccc',
    'diffEditorGutter.insertedLineBackground': '#e9f5e1',
    'diffEditorGutter.removedLineBackground': '#fbe9e9',
  },
  dark: {
    'editor.background': '#1e1e1e',
    'editor.foreground': '#ececec',
    'editorLineNumber.foreground': '#a9afb9',
    'editorLineNumber.dimmedForeground': '#a9afb9',
    'editorLineNumber.activeForeground': '#ececec',
    'diffEditor.insertedLineBackground': '#233020',
    'diffEditor.insertedTextBackground': '#2f4127',
    'diffEditor.removedLineBackground': '#352222',
    'diffEditor.removedTextBackground': '#4a2a2a',
    'diffEditorGutter.insertedLineBackground': '#233020',
    'diffEditorGutter.removedLineBackground': '#352222',
  },
};

export const THEMES = { light: 'upstream-doctor-light', dark: 'upstream-doctor-dark' } as const;

export function defineThemes(): void {
  for (const scheme of ['light', 'dark'] as const) {
    const palette = palettes[scheme];
    editor.defineTheme(THEMES[scheme], {
      base: scheme === 'light' ? 'vs' : 'vs-dark',
      inherit: true,
      rules: Object.entries(tokens).map(([token, role]) => ({ token, foreground: palette[role] })),
      colors: colors[scheme],
    });
  }
}
