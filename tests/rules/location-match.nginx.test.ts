/**
 * Differential test of matchLocation against the real nginx: random location sets (prefix,
 * `=`, `^~`, case-sensitive and -insensitive regexes, nested prefix/exact/regex locations)
 * over a small alphabet so paths overlap a lot, each location answering its own id; random
 * paths are asked of both. Seeded, so a failure names a reproducible case.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, parseNginx } from '../../workers/engine/formats/nginx/index.ts';
import { matchLocation } from '../../workers/engine/rules/lib/location-match.ts';
import { nginxMissing } from '../helpers/nginx-t.ts';
import { freePort, get, startNginx } from './lib/nginx-server.ts';

const CONFIGS = Number(process.env.LOCATION_FUZZ_CONFIGS ?? 25);
const PATHS = 30;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENTS = ['a', 'b', 'ab', 'A', 'c.x'];
const REGEXES = ['^/a', 'b$', '/ab/', '\\.x$', '^/a/b', 'a.*b', '^/A'];

interface Loc {
  id: string;
  modifier: string;
  path: string;
  nested: Loc[];
}

function generate(seed: number): { locations: Loc[]; paths: string[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const randomPath = (): string => {
    const n = 1 + Math.floor(r() * 3);
    let p = '';
    for (let i = 0; i < n; i++) p += '/' + pick(SEGMENTS);
    return r() < 0.3 ? p + '/' : p;
  };
  let next = 0;
  const seen = new Set<string>();
  const make = (parent: Loc | null, depth: number): Loc | null => {
    const regexParent = parent !== null && parent.modifier.startsWith('~');
    const modifier = regexParent ? pick(['~', '~*']) : pick(['', '', '=', '^~', '~', '~*']);
    let path: string;
    if (modifier.startsWith('~')) path = pick(REGEXES);
    else if (parent) path = parent.path + pick(SEGMENTS) + (r() < 0.5 ? '/' : '');
    else path = randomPath();
    // nginx rejects duplicates: one prefix-or-^~ per path, one = per path, one regex per text.
    const key = modifier.startsWith('~')
      ? `${parent?.id ?? ''} ${modifier}${path}`
      : `${modifier === '=' ? '=' : 'p'}${path}`;
    if (seen.has(key)) return null;
    seen.add(key);
    const loc: Loc = { id: `L${next++}`, modifier, path, nested: [] };
    // Nested locations only inside prefix ones (and regex-in-regex, which nginx allows).
    if (depth < 2 && modifier !== '=' && r() < 0.35) {
      for (let i = 0; i < 1 + Math.floor(r() * 2); i++) {
        const child = make(loc, depth + 1);
        if (child) loc.nested.push(child);
      }
    }
    return loc;
  };
  const locations: Loc[] = [];
  for (let i = 0; i < 4 + Math.floor(r() * 6); i++) {
    const l = make(null, 0);
    if (l) locations.push(l);
  }
  const paths = Array.from({ length: PATHS }, () => (r() < 0.1 ? '/' : randomPath()));
  return { locations, paths };
}

function render(locs: readonly Loc[], indent: string): string {
  return locs
    .map((l) => {
      const mod = l.modifier ? `${l.modifier} ` : '';
      const body = `${indent}    return 200 "${l.id}";\n` + render(l.nested, indent + '    ');
      return `${indent}location ${mod}"${l.path}" {\n${body}${indent}}\n`;
    })
    .join('');
}

describe.skipIf(nginxMissing)('matchLocation agrees with nginx on random location sets', () => {
  for (let seed = 1; seed <= CONFIGS; seed++) {
    it(`seed ${seed}`, async () => {
      const { locations, paths } = generate(seed);
      const port = await freePort();
      // No server-level return: it would answer before any location is chosen.
      const server = `server {\n    listen 127.0.0.1:${port};\n${render(locations, '    ')}}\n`;
      const config = buildConfig([parseNginx('fuzz.conf', server)]);
      expect(config.errors).toEqual([]);
      const nginx = await startNginx(server, port);
      try {
        for (const path of paths) {
          const ours = matchLocation(config, null, path);
          const marker = ours?.node.children.find((c) => c.name === 'return')?.args[1] ?? 'none';
          const body = await get(port, 'fuzz.test', path);
          // No location: nginx serves the path from its default root, a 404 page here.
          const theirs = body.includes('404 Not Found') ? 'none' : body;
          expect(marker, `${path}\n${server}`).toBe(theirs);
        }
      } finally {
        nginx.stop();
      }
    });
  }
});

const NAMES = [
  'a.test',
  'www.a.test',
  '*.a.test',
  '.a.test',
  'www.*',
  'b.*',
  '~^w+\\.a\\.test$',
  '~b',
  '_',
  '',
];
const HOSTS = [
  'a.test',
  'www.a.test',
  'x.www.a.test',
  'wwww.a.test',
  'b.test',
  'b.a.test',
  'www.b',
  'c.test',
  'A.TEST',
];

describe.skipIf(nginxMissing)('matchServer agrees with nginx on random server_name sets', () => {
  for (let seed = 1; seed <= CONFIGS; seed++) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed * 7919);
      const port = await freePort();
      const used = new Set<string>();
      const servers: string[] = [];
      const count = 2 + Math.floor(r() * 4);
      const defaultAt = r() < 0.5 ? Math.floor(r() * count) : -1;
      for (let i = 0; i < count; i++) {
        // nginx warns and ignores a name used twice; keep each name in one server.
        const names = NAMES.filter(() => r() < 0.3).filter((n) => !used.has(n));
        names.forEach((n) => used.add(n));
        const listen = `127.0.0.1:${port}${i === defaultAt ? ' default_server' : ''}`;
        const nameLine = names.length
          ? `    server_name ${names.map((n) => `"${n}"`).join(' ')};\n`
          : '';
        servers.push(
          `server {\n    listen ${listen};\n${nameLine}    location / { return 200 "S${i}"; }\n}\n`,
        );
      }
      const text = servers.join('');
      const config = buildConfig([parseNginx('servers.conf', text)]);
      const nginx = await startNginx(text, port);
      try {
        for (const host of HOSTS) {
          const ours = matchLocation(config, host, '/');
          const marker = ours?.node.children.find((c) => c.name === 'return')?.args[1];
          expect(marker, `${host}\n${text}`).toBe(await get(port, host, '/'));
        }
      } finally {
        nginx.stop();
      }
    });
  }
});
