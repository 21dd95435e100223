/** Per-fix choices: safe fixes apply unless switched off, unsafe ones only when opted into. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const conf = `upstream app {
    server 10.0.0.1:8000;
    server 10.0.0.2:8000;
    keepalive 16;
}
server {
    location /a/ {
        proxy_pass http://app;
        proxy_next_upstream error timeout non_idempotent;
    }
}
`;
const inputs = [{ name: 'app.conf', text: conf }];
const opts = { nginxVersion: '1.24.0' };

describe('fix toggles', () => {
  const base = analyze(inputs, opts);
  const inert = base.findings.find((f) => f.rule === 'keepalive-inert')!;
  const retry = base.findings.find((f) => f.fix?.safety === 'unsafe')!;

  it('by default applies the safe fix and holds the unsafe one back', () => {
    expect(inert.fix).toMatchObject({ safety: 'safe', applied: true });
    expect(retry.fix).toMatchObject({ applied: false });
    expect(retry.fix!.description).toMatch(/opt in/);
    expect(inert.key).toBeTruthy();
  });

  it('a switched-off safe fix is not applied, and says so', () => {
    const report = analyze(inputs, { ...opts, disabledFixes: [inert.key!] });
    const finding = report.findings.find((f) => f.key === inert.key)!;
    expect(finding.fix).toMatchObject({ applied: false });
    expect(finding.fix!.description).toMatch(/switched off/);
    expect(report.fixed).toEqual([]);
  });

  it('an unsafe fix opted into by its key is applied, others stay as they were', () => {
    const report = analyze(inputs, { ...opts, enabledFixes: [retry.key!] });
    expect(report.findings.find((f) => f.key === retry.key)!.fix).toMatchObject({ applied: true });
    expect(report.findings.find((f) => f.key === inert.key)!.fix).toMatchObject({ applied: true });
    expect(report.patch).not.toBe(base.patch);
  });

  it('reports the analysed inputs so evidence can be shown in context', () => {
    expect(base.sources).toEqual([{ name: 'app.conf', kind: 'nginx', text: conf }]);
  });
});
