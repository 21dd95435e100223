/**
 * Monaco, loaded lazily (this module is only reached through a dynamic import): the diff
 * editor, the codicon font and the few languages the app shows. Importing the whole package
 * would pull in TypeScript/CSS/HTML/JSON workers the app never uses.
 */
import { editor } from 'monaco-editor/editor';
import 'monaco-editor/features/diffEditor/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/ruby/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerNginx } from './register-nginx.ts';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
registerNginx();

export type DiffHandle = {
  show(original: string, modified: string, language: string): void;
  setTheme(dark: boolean): void;
  dispose(): void;
};

export function createDiffEditor(host: HTMLElement, dark: boolean): DiffHandle {
  const diff = editor.createDiffEditor(host, {
    readOnly: true,
    originalEditable: false,
    automaticLayout: true,
    renderSideBySide: true,
    useInlineViewWhenSpaceIsLimited: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
    theme: dark ? 'vs-dark' : 'vs',
  });
  let models: editor.ITextModel[] = [];
  return {
    show(original, modified, language) {
      const next = [editor.createModel(original, language), editor.createModel(modified, language)];
      diff.setModel({ original: next[0]!, modified: next[1]! });
      for (const model of models) model.dispose();
      models = next;
    },
    setTheme(isDark) {
      editor.setTheme(isDark ? 'vs-dark' : 'vs');
    },
    dispose() {
      diff.dispose();
      for (const model of models) model.dispose();
    },
  };
}
