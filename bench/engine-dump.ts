/**
 * The engine on a large `nginx -T` dump (thousands of locations proxying to one pooled
 * upstream), stage by stage, in Node. Writes bench/results/engine-dump.json.
 *   npx tsx bench/engine-dump.ts [MB...]   (default: 2 10)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { analyze } from '../workers/engine/analyze.ts';
import { classify } from '../workers/engine/pipeline/detect.ts';
import { redactClassified } from '../workers/engine/pipeline/redact.ts';
import { parseInput } from '../workers/engine/pipeline/parse.ts';
import { buildTopology } from '../workers/engine/topology/index.ts';
import { rules } from '../workers/engine/rules/index.ts';
import type { ParsedFile } from '../workers/engine/formats/types.ts';

function dump(mb: number): string {
  const parts = [
    '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    include /etc/nginx/conf.d/*.conf;\n}\n\n',
    '# configuration file /etc/nginx/conf.d/00-upstream.conf:\nupstream app {\n    server 10.0.0.10:8000;\n    keepalive 32;\n}\nserver {\n    listen 80;\n    server_name legacy.example.com;\n    location / {\n        proxy_pass http://app;\n        proxy_set_header Host $host;\n    }\n}\n\n',
  ];
  let size = parts.join('').length;
  for (let f = 0; size < mb * 1024 * 1024; f++) {
    const body = [
      `# configuration file /etc/nginx/conf.d/site${f}.conf:\nserver {\n    listen 80;\n    server_name site${f}.example.com;\n`,
    ];
    for (let l = 0; l < 400; l++)
      body.push(
        `    location /s${f}/p${l}/ {\n        proxy_pass http://app;\n        proxy_read_timeout ${30 + (l % 5)}s;\n    }\n`,
      );
    body.push('}\n\n');
    const text = body.join('');
    parts.push(text);
    size += text.length;
  }
  return parts.join('');
}

function time<T>(f: () => T): [T, number] {
  const start = performance.now();
  const result = f();
  return [result, Math.round(performance.now() - start)];
}

const sizes = process.argv.slice(2).map(Number);
const results = [];
for (const mb of sizes.length > 0 ? sizes : [2, 10]) {
  const text = dump(mb);
  const [classified, classifyMs] = time(() => classify([{ name: 'dump', text }]));
  const [redacted, redactMs] = time(() => redactClassified(classified));
  const [parsed, parseMs] = time(() =>
    redacted.inputs.map((i) => parseInput(i)).filter((f): f is ParsedFile => f !== null),
  );
  const [topology, topologyMs] = time(() => buildTopology(parsed, '1.24.0'));
  const ruleMs: Record<string, number> = {};
  for (const rule of rules)
    ruleMs[rule.meta.id] = time(() => rule.check({ topology, events: [], incidents: [] }))[1];
  const [report, analyzeMs] = time(() =>
    analyze([{ name: 'dump', text }], { nginxVersion: '1.24.0' }),
  );
  const result = {
    megabytes: mb,
    files: classified.length,
    routes: topology.routes.length,
    ms: {
      classify: classifyMs,
      redact: redactMs,
      parse: parseMs,
      topology: topologyMs,
      rules: ruleMs,
      analyze: analyzeMs,
    },
    findings: report.findings.map((f) => f.rule),
  };
  console.log(JSON.stringify(result));
  results.push(result);
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/engine-dump.json', import.meta.url),
  JSON.stringify({ machine: `${cpus().length} cores, ${cpus()[0]?.model}`, results }, null, 2),
);
