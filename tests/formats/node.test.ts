import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  handler,
  nodeMajorFrom,
  nodeSettings,
  setNodeTimeouts,
  type NodeTree,
} from '../../workers/engine/formats/node/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';

const parse = (text: string, name = 'server.js') =>
  handler.parse(name, text) as ParsedFile<NodeTree>;
const nodeCheck = (text: string, ext = 'js') => {
  const dir = mkdtempSync(join(tmpdir(), 'ud-node-'));
  const f = join(dir, `s.${ext}`);
  writeFileSync(f, text);
  return spawnSync(process.execPath, ['--check', f]).status === 0;
};

const EXPRESS = `const express = require('express');
const app = express();

app.get('/', (req, res) => res.send('ok')); // server.keepAliveTimeout = 1 in a comment

const server = app.listen(process.env.PORT || 3000, () => {
  console.log("listening");
});
server.headersTimeout = 66 * 1000;
`;

describe('Node.js servers', () => {
  it('finds the server, its timeouts (not in comments) and fills in version defaults', () => {
    const p = parse(EXPRESS);
    expect(p.tree.servers).toMatchObject([
      { variable: 'server', framework: 'express-like', line: 6 },
    ]);
    const eff = nodeSettings(p);
    expect(eff.headersTimeout).toMatchObject({ value: '66000', source: { line: 9 } });
    expect(eff.keepAliveTimeout).toMatchObject({
      value: '5000',
      source: { default: expect.stringContaining('Node') },
    });
    expect(eff.requestTimeout!.value).toBe('300000');
    expect(nodeSettings(p, { nodeMajor: 16 }).requestTimeout!.value).toBe('0');
    expect(p.print()).toBe(EXPRESS);
  });
  it('reads environment fallbacks, setTimeout and createServer options', () => {
    const p = parse(
      `import http from 'node:http';\nconst srv = http.createServer({ keepAliveTimeout: 61000 }, handler);\nsrv.setTimeout(120000);\nsrv.requestTimeout = Number(process.env.REQ_TIMEOUT) || 90_000;\n`,
      'a.mjs',
    );
    const eff = nodeSettings(p);
    expect(eff.keepAliveTimeout).toMatchObject({
      value: '61000',
      source: { line: 2, layer: 'option' },
    });
    expect(eff.timeout).toMatchObject({ value: '120000', source: { line: 3 } });
    expect(eff.requestTimeout).toMatchObject({
      value: '90000',
      source: { line: 4, dynamic: expect.stringContaining('$REQ_TIMEOUT') },
    });
  });
  it('knows Fastify options and defaults', () => {
    const eff = nodeSettings(
      parse(`const fastify = require('fastify')({ logger: true, keepAliveTimeout: 10000 });\n`),
    );
    expect(eff.keepAliveTimeout).toMatchObject({ value: '10000', source: { line: 1 } });
    expect(
      nodeSettings(parse(`const app = Fastify();\nimport Fastify from 'fastify';\n`))
        .keepAliveTimeout!.value,
    ).toBe('72000');
  });
  it('reads the Node major a Dockerfile, package.json or .nvmrc pins', () => {
    expect(nodeMajorFrom('FROM node:16-alpine AS build\nRUN npm ci\n')).toBe(16);
    expect(nodeMajorFrom('{"engines": {"node": ">=18.17"}}')).toBe(18);
    expect(nodeMajorFrom('v20.11.1\n')).toBe(20);
    expect(nodeMajorFrom('FROM python:3.12\n')).toBeNull();
  });
  it('reports unterminated strings with their line', () => {
    expect(parse('const a = 1;\nconst s = "oops;\n').errors).toEqual([
      { line: 2, message: expect.stringContaining('unterminated string') },
    ]);
  });
  it('detects server code and not other JavaScript or prose', () => {
    expect(handler.detect('server.js', EXPRESS)).toBeGreaterThan(0.6);
    expect(handler.detect('pasted', EXPRESS)).toBeGreaterThan(0.5);
    expect(handler.detect('util.js', 'export const add = (a, b) => a + b;\n')).toBeLessThan(0.4);
    expect(handler.detect('notes.txt', 'the server should listen (on port 80)')).toBeLessThan(0.4);
  });
});

describe('Node.js edits', () => {
  it('inserts after the statement creating the server, in the file style, and the result is valid JS', () => {
    const p = parse(EXPRESS);
    const out = applyEdits(
      EXPRESS,
      setNodeTimeouts(p, { keepAliveTimeout: 65000, headersTimeout: 66000 }),
    );
    expect(out).toContain(
      '  console.log("listening");\n});\nserver.keepAliveTimeout = 65000;\nserver.headersTimeout = 66 * 1000;\n',
    );
    expect(nodeCheck(out)).toBe(true);
    const eff = nodeSettings(parse(out));
    expect(eff.keepAliveTimeout!.value).toBe('65000');
    expect(setNodeTimeouts(parse(out), { keepAliveTimeout: 65000, headersTimeout: 66000 })).toEqual(
      [],
    );
  });
  it('names an unassigned app.listen(…) server, without semicolons when the file has none', () => {
    const src = "const app = require('express')()\n\napp.listen(8080)\n";
    const out = applyEdits(src, setNodeTimeouts(parse(src), { keepAliveTimeout: 65000 }));
    expect(out).toBe(
      "const app = require('express')()\n\nconst server = app.listen(8080)\nserver.keepAliveTimeout = 65000\n",
    );
    expect(nodeCheck(out)).toBe(true);
  });
  it('adds options to a Fastify factory', () => {
    const src = "const fastify = require('fastify')({\n  logger: true\n});\n";
    const out = applyEdits(src, setNodeTimeouts(parse(src), { keepAliveTimeout: 65000 }));
    expect(out).toBe(
      "const fastify = require('fastify')({\n  logger: true,\n  keepAliveTimeout: 65000\n});\n",
    );
    expect(nodeCheck(out)).toBe(true);
    const empty = 'import Fastify from "fastify";\nconst app = Fastify();\n';
    expect(
      applyEdits(empty, setNodeTimeouts(parse(empty, 'a.mjs'), { keepAliveTimeout: 65000 })),
    ).toContain('Fastify({ keepAliveTimeout: 65000 })');
  });
  it('changes existing values in place', () => {
    const src = 'const s = http.createServer(h);\ns.keepAliveTimeout = 5000; // default\n';
    expect(applyEdits(src, setNodeTimeouts(parse(src), { keepAliveTimeout: 65000 }))).toBe(
      'const s = http.createServer(h);\ns.keepAliveTimeout = 65000; // default\n',
    );
  });
});

describe('Node.js parser fuzz', () => {
  const jsish = fc.array(
    fc.constantFrom(
      'const ',
      'server',
      ' = ',
      'app.listen(',
      'http.createServer(',
      ')',
      '(',
      '{',
      '}',
      '"',
      "'",
      '`',
      '${',
      '//',
      '/*',
      '*/',
      '\n',
      ';',
      '.keepAliveTimeout = ',
      '5000',
      'fastify({',
      '/re/',
      'process.env.X || 3',
    ),
    { maxLength: 60 },
  );
  it('never throws; edits never overlap', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          jsish.map((a) => a.join('')),
        ),
        (text) => {
          const p = parse(text);
          expect(p.print()).toBe(text);
          nodeSettings(p);
          applyEdits(text, setNodeTimeouts(p, { keepAliveTimeout: 65000, headersTimeout: 66000 }));
        },
      ),
      { numRuns: 500 },
    );
  });
});
