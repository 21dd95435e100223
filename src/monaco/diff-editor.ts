/**
 * Monaco, loaded lazily (this module is only reached through a dynamic import): the diff
 * editor, the codicon font and the few languages the app shows. Importing the whole package
 * would pull in TypeScript/CSS/HTML/JSON workers the app never uses.
 */
import { editor, Range } from 'monaco-editor/editor';
import 'monaco-editor/features/diffEditor/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/ruby/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerNginx } from './register-nginx.ts';
import { defineThemes, THEMES } from './theme.ts';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };
registerNginx();
defineThemes();

export type DiffHandle = {
  /** Shows a change; when `modified` is null the file is shown as it is (no change proposed). */
  show(original: string, modified: string | null, language: string): void;
  /** Scrolls to a 1-based line of the original text and marks it. */
  reveal(line: number): void;
  /** Scrolls to lines of the fixed text (a fix's change) and marks them. */
  markChange(line: number, endLine: number): void;
  setTheme(dark: boolean): void;
  /** Side by side (true) or inline (false), for changed files; unchanged ones are always inline. */
  setSideBySide(sideBySide: boolean): void;
  dispose(): void;
};

/** Where a line of the original text ends up in the modified text. */
function modifiedLine(changes: readonly editor.ILineChange[], line: number): number {
  let shift = 0;
  for (const c of changes) {
    const removedLast =
      c.originalEndLineNumber === 0 ? c.originalStartLineNumber : c.originalEndLineNumber;
    if (removedLast >= line && c.originalEndLineNumber !== 0) break;
    if (c.originalStartLineNumber > line) break;
    const removed =
      c.originalEndLineNumber === 0 ? 0 : c.originalEndLineNumber - c.originalStartLineNumber + 1;
    const added =
      c.modifiedEndLineNumber === 0 ? 0 : c.modifiedEndLineNumber - c.modifiedStartLineNumber + 1;
    shift += added - removed;
  }
  return Math.max(1, line + shift);
}

/**
 * `onSettled` runs once, when the first diff has been computed and laid out: until then the
 * caller keeps Monaco out of sight (its sides and alignment spacers move while it settles,
 * which would count as layout shift) and shows the patch as text instead.
 */
export function createDiffEditor(
  host: HTMLElement,
  dark: boolean,
  onSettled: () => void,
): DiffHandle {
  const diff = editor.createDiffEditor(host, {
    readOnly: true,
    originalEditable: false,
    automaticLayout: true,
    renderSideBySide: true,
    useInlineViewWhenSpaceIsLimited: true,
    // The diff pane is ~750 px at 1280 wide; Monaco would fall back to inline below 900.
    renderSideBySideInlineBreakpoint: 560,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
    theme: dark ? THEMES.dark : THEMES.light,
    // The textarea input carries the editors' names to screen readers; Monaco's newer
    // EditContext element is left without one.
    editContext: false,
  });

  // Each side is a text box of its own to a screen reader: say which one it is. The diff
  // editor recomputes its sides' options from the options of each call, so every call names
  // them again (or the names fall back to empty).
  const layout = (renderSideBySide: boolean) => {
    const options: editor.IDiffEditorConstructionOptions = {
      renderSideBySide,
      originalAriaLabel: 'Original file (read-only)',
      modifiedAriaLabel: 'Fixed file, with the proposed change (read-only)',
    };
    diff.updateOptions(options);
  };
  layout(true);
  let done = false;
  const settle = () => {
    if (done) return;
    done = true;
    settled.dispose();
    clearTimeout(fallback);
    // After the frame that draws the computed diff.
    requestAnimationFrame(() => onSettled());
  };
  const settled = diff.onDidUpdateDiff(settle);
  // A diff that never reports (nothing to compare yet) must not hide the editor for good.
  const fallback = setTimeout(settle, 2000);
  let models: editor.ITextModel[] = [];
  let sideBySide = true;
  let changed = false;
  let marks: editor.IEditorDecorationsCollection[] = [];
  const mark = (
    side: editor.ICodeEditor,
    line: number,
    endLine = line,
    className = 'evidence-line',
  ) => {
    side.revealLinesInCenter(line, endLine);
    marks.push(
      side.createDecorationsCollection([
        {
          range: new Range(line, 1, endLine, 1),
          options: {
            isWholeLine: true,
            className,
            // Seen in the gutter too, beside Monaco's own added-line colour.
            linesDecorationsClassName: `${className}-gutter`,
          },
        },
      ]),
    );
  };
  const unmark = () => {
    for (const m of marks) m.clear();
    marks = [];
  };
  return {
    show(original, modified, language) {
      const next = [
        editor.createModel(original, language),
        editor.createModel(modified ?? original, language),
      ];
      changed = modified !== null;
      layout(changed && sideBySide);
      diff.setModel({ original: next[0]!, modified: next[1]! });
      for (const model of models) model.dispose();
      models = next;
    },
    reveal(line) {
      // Evidence lines are lines of the original input. Mark them on both sides: the modified
      // side is the only one visible in the inline view (narrow screens, unchanged files).
      unmark();
      mark(diff.getOriginalEditor(), line);
      mark(diff.getModifiedEditor(), modifiedLine(diff.getLineChanges() ?? [], line));
    },
    markChange(line, endLine) {
      unmark();
      mark(diff.getModifiedEditor(), line, endLine, 'change-line');
    },
    setSideBySide(value) {
      sideBySide = value;
      layout(changed && sideBySide);
    },
    setTheme(isDark) {
      editor.setTheme(isDark ? THEMES.dark : THEMES.light);
    },
    dispose() {
      diff.dispose();
      for (const model of models) model.dispose();
    },
  };
}
