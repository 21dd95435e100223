/**
 * keepalive-race, RuleTester-style: inputs that trigger it (with the exact fixed nginx output,
 * re-analysed and checked by the real nginx -t), near misses that must not trigger, and which
 * log events the finding may claim (only failures a reused, closing connection produces).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';
import { checkCorpus } from './corpus-check.ts';
import {
  gthread,
  invalid as appInvalid,
  pooled,
  valid as appValid,
} from './keepalive-race.cases.ts';
import { frontInvalid, frontValid } from './keepalive-race-front.cases.ts';

const invalid = [...appInvalid, ...frontInvalid];
const valid = [...appValid, ...frontValid];

const RULE = 'keepalive-race';
const run = (files: SourceFile[], nginxVersion = '1.22.1') => analyze(files, { nginxVersion });
const ours = (files: SourceFile[], nginxVersion?: string) =>
  run(files, nginxVersion).findings.filter((f) => f.rule === RULE);

describe('keepalive-race', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = run(c.files, c.version);
      const hit = report.findings.find((f) => f.rule === RULE);
      expect(hit, 'finding').toBeDefined();
      expect(hit!.cause).toBe('keepalive-race');
      expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
      for (const value of c.compared) expect(hit!.compared!.map((v) => v.value)).toContain(value);
      expect(hit!.compared!.every((v) => v.source.length > 0)).toBe(true);
      // Only the nginx file is this rule's to change (another rule may fix an app setting).
      const nginxFile = c.files[0]!;
      const ownFixed = (r: typeof report) => r.fixed.filter((f) => f.name === nginxFile.name);
      expect(ownFixed(report).map((f) => f.text)).toEqual([c.output]);
      // Re-analysed, the fixed config has nothing of this rule, and fixing again is a no-op.
      const again = run([{ ...nginxFile, text: c.output }, ...c.files.slice(1)], c.version);
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(ownFixed(again)).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest([{ name: nginxFile.name, text: c.output }]);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  it('an unusable pool: the race is reported as latent beside keepalive-inert and both fixes apply', () => {
    const input = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    location / {
        proxy_pass http://app;
    }
}
`;
    const report = run([{ name: 'app.conf', text: input }, gthread()]);
    const race = report.findings.find((f) => f.rule === RULE)!;
    expect(race.title).toBe(
      'Once its pool is in use, nginx will reuse connections the app server closes',
    );
    expect(race.message).toMatch(/^Latent until the pool is usable/);
    // What holds now (the unusable pool, a warning) comes before what will (the race, an error).
    expect(race.confidence).toBe(0.39);
    expect(report.findings.map((f) => f.rule).slice(0, 2)).toEqual(['keepalive-inert', RULE]);
    expect(report.findings.map((f) => [f.rule, f.fix?.applied])).toEqual(
      expect.arrayContaining([
        [RULE, true],
        ['keepalive-inert', true],
      ]),
    );
    const output = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
    keepalive_timeout 1s;
}
server {
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
    expect(report.fixed.map((f) => f.text)).toEqual([output]);
    const again = run([{ name: 'app.conf', text: output }, gthread()]);
    expect(again.findings.filter((f) => f.rule === RULE || f.rule === 'keepalive-inert')).toEqual(
      [],
    );
    if (!nginxMissing) expect(nginxTest([{ name: 'app.conf', text: output }]).ok).toBe(true);
  });

  it('nginx before 1.15.3 has no upstream keepalive_timeout: the race is reported with advice only', () => {
    const report = run([{ name: 'app.conf', text: pooled() }, gthread()], '1.14.0');
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.compared).toContainEqual(
      expect.objectContaining({
        setting: 'upstream keepalive_timeout',
        value: 'none (kept until the server closes it)',
      }),
    );
    expect(hit.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit.fix!.description).toContain('Upgrade nginx');
    expect(report.fixed).toEqual([]);
  });

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ours(c.files, c.version)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)('every original above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      const result = nginxTest([c.files[0]!]);
      expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
    }
  });
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});

describe('keepalive-race on the real configs of the corpus', () => {
  it('fires only where expected; applied fixes pass nginx -t and leave nothing behind', () => {
    checkCorpus('keepalive-race', {});
  });
});
