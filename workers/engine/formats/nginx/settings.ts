import type { Setting } from '../types.ts';
import type { Block, Directive } from './tree.ts';

/**
 * A readable label for a block directive, as used in scopes: `server example.com`,
 * `location = /api`, `upstream app`, `if ($request_method = POST)`.
 */
export function blockLabel(d: Directive): string {
  if (d.name === 'server' && d.block) {
    const names = d.block.children.find((c) => c.name === 'server_name');
    const listen = d.block.children.find((c) => c.name === 'listen');
    const label = names?.args[0] ?? (listen ? `:${listen.args[0] ?? ''}` : '');
    return label ? `server ${label}` : 'server';
  }
  return d.args.length > 0 ? `${d.name} ${d.args.join(' ')}` : d.name;
}

/** envsubst `${UPPER_CASE}` (nginx's own variables are lower case), Jinja/liquid `{{ }}` `{% %}`. */
const TEMPLATE = /\$\{[A-Z][A-Z0-9_]*\}|\{\{|\{%/;

/**
 * Every simple directive of a file as a Setting (key = directive name, value = arguments joined
 * by a space), with its scope within the file, e.g. "http > server example.com > location /api".
 * Block directives themselves are not settings; their bodies are walked. Lua bodies are not
 * nginx syntax and give nothing.
 */
export function collectSettings(root: Block, prefix: string[] = []): Setting[] {
  const out: Setting[] = [];
  const walk = (block: Block, scope: string[]): void => {
    for (const d of block.children) {
      if (d.block) {
        if (d.raw === undefined) walk(d.block, [...scope, blockLabel(d)]);
        continue;
      }
      const setting: Setting = { key: d.name, value: d.args.join(' '), file: d.file, line: d.line };
      if (scope.length > 0) setting.scope = scope.join(' > ');
      if (d.args.some((a) => TEMPLATE.test(a))) {
        setting.dynamic = 'template placeholder: the value is filled in when the file is rendered';
      }
      out.push(setting);
    }
  };
  walk(root, prefix);
  return out;
}
