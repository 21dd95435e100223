import { describe, expect, it } from 'vitest';
import { nginxLanguage, nginxLanguageConfiguration } from '../../src/monaco/nginx-language.ts';
import { corpus } from './corpus.ts';

/**
 * A minimal Monarch interpreter (rules in order, includes, cases, next/@pop, line by line) to
 * check the grammar's behaviour without a browser: the tokens a user sees for typical lines,
 * and that no rule stalls on any corpus line.
 */
type Action =
  | string
  | {
      token?: string;
      next?: string;
      cases?: Record<string, string | { token: string; next?: string }>;
    };
type Rule = [RegExp, Action] | { include: string };
const lang = nginxLanguage as unknown as Record<string, unknown> & {
  tokenizer: Record<string, Rule[]>;
};

function rules(state: string): [RegExp, Action][] {
  const out: [RegExp, Action][] = [];
  for (const r of lang.tokenizer[state] ?? []) {
    if ('include' in r) out.push(...rules(r.include.replace(/^@/, '')));
    else out.push(r);
  }
  return out;
}

function resolve(action: Action, matched: string): { token: string; next?: string } {
  if (typeof action === 'string') return { token: action };
  if (action.cases) {
    for (const [key, value] of Object.entries(action.cases)) {
      const list =
        key.startsWith('@') && key !== '@default' ? (lang[key.slice(1)] as string[]) : null;
      if (key === '@default' || list?.includes(matched))
        return typeof value === 'string' ? { token: value } : value;
    }
  }
  return { token: action.token ?? '', ...(action.next ? { next: action.next } : {}) };
}

function tokenize(text: string): [string, string][][] {
  const stack = ['root'];
  return text.split('\n').map((line) => {
    const out: [string, string][] = [];
    let pos = 0;
    while (pos < line.length) {
      const state = stack[stack.length - 1] as string;
      let hit = false;
      for (const [re, action] of rules(state)) {
        const m = new RegExp(`^(?:${re.source})`, re.flags.replace('g', '')).exec(line.slice(pos));
        if (!m || m[0] === '') continue;
        const resolved = resolve(action, m[0]);
        const next = resolved.next;
        const token = resolved.token === '@brackets' ? 'delimiter.curly' : resolved.token;
        out.push([m[0], token]);
        pos += m[0].length;
        if (next === '@pop') stack.pop();
        else if (next) stack.push(next.replace(/^@/, ''));
        if (stack.length === 0) stack.push('root');
        hit = true;
        break;
      }
      if (!hit)
        throw new Error(`no rule matches ${JSON.stringify(line.slice(pos))} in state ${state}`);
    }
    return out;
  });
}

const tokenOf = (lines: [string, string][][], text: string) =>
  lines.flat().find(([t]) => t === text)?.[1];

describe('Monaco nginx grammar', () => {
  it('references only states and lists that exist', () => {
    const states = Object.keys(lang.tokenizer);
    for (const state of states) {
      for (const r of lang.tokenizer[state] as Rule[]) {
        if ('include' in r) expect(states).toContain(r.include.replace(/^@/, ''));
        else {
          const action = r[1];
          if (typeof action === 'object' && action.next && action.next !== '@pop')
            expect(states).toContain(action.next.replace(/^@/, ''));
          if (typeof action === 'object' && action.cases) {
            for (const key of Object.keys(action.cases))
              if (key !== '@default') expect(Array.isArray(lang[key.slice(1)])).toBe(true);
          }
        }
      }
    }
    expect(nginxLanguageConfiguration.comments?.lineComment).toBe('#');
  });

  it('colours names, arguments, strings, variables, numbers and comments', () => {
    const lines = tokenize(
      'server {\n  listen 443 ssl; # tls\n  location ~* \\.php$ {\n    proxy_pass http://app;\n    add_header X "a;b{c}" always;\n    proxy_read_timeout 90s;\n    set $x ${host}x;\n  }\n}',
    );
    expect(tokenOf(lines, 'server')).toBe('keyword.block');
    expect(tokenOf(lines, 'listen')).toBe('keyword');
    expect(tokenOf(lines, 'ssl')).toBe('constant');
    expect(tokenOf(lines, '443')).toBe('number');
    expect(tokenOf(lines, '# tls')).toBe('comment');
    expect(tokenOf(lines, '~*')).toBe('operator');
    expect(tokenOf(lines, 'proxy_pass')).toBe('keyword');
    expect(tokenOf(lines, 'a;b{c}')).toBe('string');
    expect(tokenOf(lines, '90s')).toBe('number');
    expect(tokenOf(lines, '${host}')).toBe('variable');
    expect(tokenOf(lines, '$x')).toBe('variable');
    // After `;` the next word is a directive name again.
    expect(tokenOf(lines, 'add_header')).toBe('keyword');
  });

  it('keeps making progress on every corpus file', () => {
    for (const f of corpus()) expect(() => tokenize(f.text), f.name).not.toThrow();
  });
});
