/**
 * Where command lines live outside config files: Procfile entries, Dockerfile CMD/ENTRYPOINT
 * (exec and shell forms) and ENV, systemd ExecStart= and Environment=, shell scripts.
 * Finds each command and the environment it sets, with offsets for provenance.
 */
import { innerScript, jsonArrayWords, shellCommands, type Word } from './shell.ts';
import { splitLines } from './text.ts';
import { baseName, withoutComment } from '../../strings.ts';

export type LaunchForm =
  'procfile' | 'dockerfile' | 'systemd' | 'compose' | 'supervisord' | 'script';

export interface Launch {
  words: Word[];
  /** e.g. "Procfile web", "Dockerfile CMD", "systemd ExecStart". */
  origin: string;
  /**
   * The process it starts, where one file starts several: "compose service web",
   * "supervisord program:api", "Procfile worker".
   */
  unit?: string;
}

export interface EnvAssignment {
  name: string;
  /** null when it holds an expansion known only at run time. */
  value: string | null;
  start: number;
  end: number;
  origin: string;
  /** The process it is set for (Launch.unit); absent when it applies to the whole file. */
  unit?: string;
}

export interface LaunchFile {
  form: LaunchForm;
  launches: Launch[];
  env: EnvAssignment[];
  /** Offsets of quotes that are never closed. */
  unclosedQuotes: number[];
}

const LAUNCHER_NAME =
  /^(Procfile|Dockerfile|Containerfile|(docker-)?compose[\w.-]*\.ya?ml$)|\.(service|sh|bash)$/i;
/** A supervisord config, whatever its name: it has `[program:x]` sections. */
const SUPERVISORD = /^[ \t]*\[program:[^\]\n]+\]/m;

/**
 * A file whose job is to start programs, by its name (Procfile, Dockerfile, compose file,
 * systemd unit, shell script) or, whatever its name, a supervisord `[program:x]` section.
 */
export function isLauncher(name: string, text: string): boolean {
  return LAUNCHER_NAME.test(baseName(name)) || SUPERVISORD.test(text);
}

export function launchForm(name: string, text: string): LaunchForm {
  const base = baseName(name);
  if (/^Procfile(\.|$)/i.test(base)) return 'procfile';
  if (/^(Docker|Container)file(\.|$)|\.(docker|container)file$/i.test(base)) return 'dockerfile';
  if (/\.(service|socket)$/.test(base)) return 'systemd';
  if (/\.(sh|bash)$/.test(base)) return 'script';
  if (isComposeFile(name, text)) return 'compose';
  if (/^[ \t]*\[program:[^\]\n]+\]/m.test(text)) return 'supervisord';
  if (/^[ \t]*\[Service\]/m.test(text) || /^[ \t]*ExecStart=/m.test(text)) return 'systemd';
  if (/^[ \t]*FROM[ \t]+\S/im.test(text) && /^[ \t]*(CMD|ENTRYPOINT|RUN)\b/im.test(text))
    return 'dockerfile';
  if (/^[A-Za-z0-9_-]+:[ \t]*\S/m.test(text) && !/^[ \t]*(#!|set |export |if |exec )/m.test(text))
    return 'procfile';
  return 'script';
}

/** Quotes left open while reading the current file (reset by findLaunches). */
let open: number[] = [];
const split = (text: string, from?: number, to?: number, newlineEnds?: boolean): Word[][] =>
  shellCommands(text, from, to, newlineEnds, open);

export function findLaunches(name: string, text: string): LaunchFile {
  open = [];
  const form = launchForm(name, text);
  const found =
    form === 'procfile'
      ? procfile(text)
      : form === 'dockerfile'
        ? dockerfile(text)
        : form === 'systemd'
          ? systemd(text)
          : form === 'compose'
            ? compose(text)
            : form === 'supervisord'
              ? supervisord(text)
              : script(text);
  return { ...found, unclosedQuotes: open };
}

function procfile(text: string): LaunchFile {
  const launches: Launch[] = [];
  for (const l of splitLines(text)) {
    const m = /^([A-Za-z0-9_-]+):[ \t]*/.exec(l.body);
    if (!m) continue;
    for (const words of expand(text, split(text, l.start + m[0].length, l.start + l.body.length))) {
      launches.push({ words, origin: `Procfile ${m[1]}`, unit: `Procfile ${m[1]}` });
    }
  }
  return { unclosedQuotes: [], form: 'procfile', launches, env: [] };
}

/** Physical lines joined by trailing backslashes into logical instructions. */
function logicalLines(text: string): { start: number; end: number; body: string }[] {
  const out: { start: number; end: number; body: string }[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    let end = first.start + first.body.length;
    let body = first.body;
    while (/\\\s*$/.test(lines[i]!.body) && i + 1 < lines.length) {
      i++;
      end = lines[i]!.start + lines[i]!.body.length;
      body += '\n' + lines[i]!.body;
    }
    out.push({ start: first.start, end, body });
  }
  return out;
}

function dockerfile(text: string): LaunchFile {
  const env: EnvAssignment[] = [];
  let entry: { words: Word[]; exec: boolean } | null = null;
  let cmd: { words: Word[]; exec: boolean } | null = null;
  const launches: Launch[] = [];
  for (const ll of logicalLines(text)) {
    const m = /^\s*(CMD|ENTRYPOINT|ENV|FROM)\b[ \t]*/i.exec(ll.body);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    const from = ll.start + m[0].length;
    if (instr === 'FROM') {
      // A new stage: what an earlier stage runs is not what the image runs.
      entry = null;
      cmd = null;
      continue;
    }
    if (instr === 'ENV') {
      env.push(...envWords(text, from, ll.end, 'Dockerfile ENV'));
      continue;
    }
    const json = jsonArrayWords(text, from, ll.end);
    const form = json
      ? { words: json, exec: true }
      : { words: split(text, from, ll.end, false).flat(), exec: false };
    if (instr === 'CMD') cmd = form;
    else entry = form;
  }
  if (entry && cmd && entry.exec)
    launches.push({ words: [...entry.words, ...cmd.words], origin: 'Dockerfile ENTRYPOINT + CMD' });
  else {
    if (entry) launches.push({ words: entry.words, origin: 'Dockerfile ENTRYPOINT' });
    if (cmd) launches.push({ words: cmd.words, origin: 'Dockerfile CMD' });
  }
  return {
    unclosedQuotes: [],
    form: 'dockerfile',
    launches: launches.flatMap((l) =>
      expand(text, [l.words]).map((words) => ({ words, origin: l.origin })),
    ),
    env,
  };
}

/** `ENV A=1 B="two words"`, legacy `ENV A value`, systemd `Environment="A=1" B=2`. */
function envWords(text: string, from: number, to: number, origin: string): EnvAssignment[] {
  const ws = split(text, from, to, false).flat();
  const out: EnvAssignment[] = [];
  if (ws.length >= 2 && !ws[0]!.value.includes('=')) {
    const rest = ws.slice(1);
    const value = rest.map((w) => w.value).join(' ');
    out.push({
      name: ws[0]!.value,
      value: rest.some((w) => w.expansion) ? null : value,
      start: ws[0]!.start,
      end: rest[rest.length - 1]!.end,
      origin,
    });
    return out;
  }
  for (const w of ws) {
    const eq = w.value.indexOf('=');
    if (eq <= 0) continue;
    out.push({
      name: w.value.slice(0, eq),
      value: w.expansion ? null : w.value.slice(eq + 1),
      start: w.start,
      end: w.end,
      origin,
    });
  }
  return out;
}

function systemd(text: string): LaunchFile {
  const launches: Launch[] = [];
  const env: EnvAssignment[] = [];
  for (const ll of logicalLines(text)) {
    const m = /^\s*(ExecStart|Environment)\s*=\s*/.exec(ll.body);
    if (!m) continue;
    let from = ll.start + m[0].length;
    if (m[1] === 'Environment') {
      env.push(...envWords(text, from, ll.end, 'systemd Environment'));
      continue;
    }
    while (from < ll.end && '-@:+!'.includes(text[from]!)) from++;
    for (const words of expand(text, split(text, from, ll.end, false)))
      launches.push({ words, origin: 'systemd ExecStart' });
  }
  return { unclosedQuotes: [], form: 'systemd', launches, env };
}

/**
 * supervisord: each `[program:x]` section's `command=` (one line, run without a shell) and
 * `environment=KEY="value",KEY2=value`.
 */
function supervisord(text: string): LaunchFile {
  const launches: Launch[] = [];
  const env: EnvAssignment[] = [];
  let program: string | null = null;
  for (const l of splitLines(text)) {
    const section = /^[ \t]*\[([^\]\n]+)\]/.exec(l.body);
    if (section) {
      program = section[1]!.startsWith('program:') ? section[1]!.slice(8) : null;
      continue;
    }
    const m = program && /^[ \t]*(command|environment)[ \t]*=[ \t]*/.exec(l.body);
    if (!m) continue;
    const from = l.start + m[0].length;
    const to = l.start + withoutComment(l.body).trimEnd().length;
    if (m[1] === 'command') {
      for (const words of split(text, from, to, false))
        launches.push({
          words,
          origin: `supervisord program:${program}`,
          unit: `supervisord program:${program}`,
        });
      continue;
    }
    // KEY="value",KEY2=value: commas between pairs, quotes around values with commas.
    const key = /[ \t]*([A-Za-z_]\w*)=/y;
    for (let at = from; at < to;) {
      key.lastIndex = at;
      const k = key.exec(text);
      if (!k || key.lastIndex > to) break;
      const valueStart = key.lastIndex;
      const quoted = text[valueStart] === '"';
      const close = quoted ? text.indexOf('"', valueStart + 1) : -1;
      const end = quoted && close >= 0 && close < to ? close + 1 : text.indexOf(',', valueStart);
      const valueEnd = end < 0 || end > to ? to : end;
      env.push({
        name: k[1]!,
        value: text.slice(valueStart, valueEnd).replace(/^"(.*)"$/s, '$1'),
        start: at,
        end: valueEnd,
        origin: `supervisord program:${program} environment`,
        unit: `supervisord program:${program}`,
      });
      at = text[valueEnd] === ',' ? valueEnd + 1 : to;
    }
  }
  return { unclosedQuotes: [], form: 'supervisord', launches, env };
}

function script(text: string): LaunchFile {
  const env: EnvAssignment[] = [];
  const launches: Launch[] = [];
  for (const words of expand(text, split(text))) {
    // `export A=b`, or `A=b` alone on a line.
    const assigns =
      words[0]?.value === 'export'
        ? words.slice(1)
        : words.every((w) => /^[A-Za-z_]\w*=/.test(w.value))
          ? words
          : [];
    for (const w of assigns) {
      const eq = w.value.indexOf('=');
      if (eq > 0)
        env.push({
          name: w.value.slice(0, eq),
          value: w.expansion ? null : w.value.slice(eq + 1),
          start: w.start,
          end: w.end,
          origin: 'script',
        });
    }
    if (assigns.length === 0) launches.push({ words, origin: 'script' });
  }
  return { unclosedQuotes: [], form: 'script', launches, env };
}

/** Replaces `sh -c "…"` commands by the commands inside the script. */
function expand(text: string, cmds: Word[][]): Word[][] {
  const out: Word[][] = [];
  for (const c of cmds) {
    const inner = innerScript(text, c);
    out.push(...(inner ?? [c]));
  }
  return out;
}

/** A Docker Compose file: by name, or a top-level `services:` without Kubernetes' apiVersion/kind. */
export function isComposeFile(name: string, text: string): boolean {
  if (/(^|\/)(docker-)?compose[\w.-]*\.ya?ml$/i.test(name.replace(/\\/g, '/'))) return true;
  return (
    /^services:\s*$/m.test(text) &&
    !/^[ \t]*apiVersion:/m.test(text) &&
    /^[ \t]+(image|build|command):/m.test(text)
  );
}

/**
 * Compose `command:`/`entrypoint:` (a string, or a flow list `["gunicorn", "-w", "4"]`) and
 * `environment:` entries (`- KEY=value` or `KEY: value`). Block-list commands are not read.
 */
function compose(text: string): LaunchFile {
  const launches: Launch[] = [];
  const env: EnvAssignment[] = [];
  let inEnv = -1;
  // The service being read: keys one level under a top-level `services:`.
  let inServices = false;
  let serviceIndent = -1;
  let service: string | undefined;
  for (const l of splitLines(text)) {
    const indent = /^\s*/.exec(l.body)![0].length;
    if (l.body.trim() !== '' && !l.body.trimStart().startsWith('#')) {
      if (indent === 0) {
        inServices = /^services:\s*$/.test(l.body);
        serviceIndent = -1;
        service = undefined;
      } else if (inServices && (serviceIndent < 0 || indent <= serviceIndent)) {
        serviceIndent = indent;
        const key = /^\s*["']?([\w.-]+)["']?:\s*(#.*)?$/.exec(l.body);
        service = key ? key[1] : undefined;
      }
    }
    const unit = service === undefined ? undefined : `compose service ${service}`;
    const m = /^(\s*)(command|entrypoint):[ \t]*(\S.*)$/.exec(l.body);
    if (m) {
      inEnv = -1;
      const from = l.start + l.body.length - m[3]!.length;
      const to = l.start + withoutComment(l.body).length;
      const json = jsonArrayWords(text, from, to);
      const unquoted = m[3]!.replace(/^(["'])(.*)\1\s*$/, '$2');
      const words =
        json ??
        split(
          text,
          unquoted === m[3] ? from : from + 1,
          unquoted === m[3] ? to : to - 1,
          false,
        ).flat();
      launches.push({
        words,
        origin: service === undefined ? `compose ${m[2]}` : `compose service ${service} ${m[2]}`,
        unit,
      });
      continue;
    }
    if (/^\s*environment:\s*$/.test(l.body)) {
      inEnv = indent;
      continue;
    }
    if (inEnv >= 0) {
      if (l.body.trim() === '' || indent > inEnv) {
        const item =
          /^[ \t]*-[ \t]*["']?([A-Za-z_]\w*)=(.*)$/.exec(l.body) ??
          /^[ \t]*([A-Za-z_]\w*):(.*)$/.exec(l.body);
        if (item) item[2] = unquoteEnd(item[2]!.trimStart().replace(/^["']/, ''));
        if (item) {
          const start = l.start + l.body.indexOf(item[1]!);
          env.push({
            name: item[1]!,
            value: /\$/.test(item[2]!) ? null : item[2]!,
            start,
            end: l.start + l.body.length,
            origin:
              service === undefined
                ? 'compose environment'
                : `compose service ${service} environment`,
            unit,
          });
        }
        continue;
      }
      inEnv = -1;
    }
  }
  return { unclosedQuotes: [], form: 'compose', launches, env };
}

/** A YAML/env value without the blanks and the closing quote at its end. */
function unquoteEnd(value: string): string {
  const v = value.trimEnd();
  return v.endsWith('"') || v.endsWith("'") ? v.slice(0, -1) : v;
}
