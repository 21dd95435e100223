/**
 * The list "next change" walks (src/lib/changes.ts): every applied fix's lines, in the order
 * the diff shows them — file by file as Report.fixed lists them, then by line — each with the
 * card (its rank) that wrote it. Checked on a report with fixes in two files and two places in each.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { changeSpots } from '../../src/lib/changes.ts';

describe('changeSpots', () => {
  // Two sites, two locations each, every location losing its upstream's keepalive pool.
  const site = (name: string) => ({
    name: `${name}.conf`,
    text: `upstream ${name} {\n    server 10.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    server_name ${name}.example.com;\n    location /a/ {\n        proxy_pass http://${name};\n    }\n    location /b/ {\n        proxy_pass http://${name};\n    }\n}\n`,
  });
  const report = analyze([site('shop'), site('api')], { nginxVersion: '1.22.1' });
  const spots = changeSpots(report);

  it('lists each applied fix’s lines, file by file in the diff’s order, then by line', () => {
    expect(report.fixed.length).toBeGreaterThan(1);
    const files = report.fixed.map((f) => f.name);
    const order = spots.map((s) => [files.indexOf(s.file), s.line]);
    expect(order).toEqual([...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
    expect(new Set(spots.map((s) => s.file))).toEqual(new Set(files));
  });

  it('names the card that wrote each change, and only applied fixes are listed', () => {
    for (const spot of spots) {
      const card = report.findings[spot.rank - 1]!;
      const mine = [card, ...(card.places ?? [])].flatMap((f) => f.fix?.changes ?? []);
      expect(mine).toContainEqual({ file: spot.file, line: spot.line, endLine: spot.endLine });
      expect(spot.title).toBe(card.title);
    }
    const applied = report.findings
      .flatMap((f) => [f, ...(f.places ?? [])])
      .flatMap((f) => f.fix?.changes ?? []).length;
    expect(spots).toHaveLength(applied);
  });
});
