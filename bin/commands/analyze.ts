import { analyze } from '../../workers/engine/analyze.ts';
import type { AnalyzeOptions, Severity } from '../../workers/engine/model.ts';
import { parseArgs, UsageError } from '../args.ts';
import { readInputs, streamLarge } from '../read-inputs.ts';
import { formatReport } from '../format-report.ts';
import { formatSarif } from '../format-sarif.ts';
import { formatGithub } from '../format-github.ts';
import { writeJson } from '../json-pieces.ts';

const severities: Severity[] = ['info', 'warning', 'error'];
const formats = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof formats)[number];

/** Options shared by `analyze` and `fix`. */
export function analyzeOptions(values: Map<string, string>, switches: Set<string>): AnalyzeOptions {
  const version = values.get('nginx-version');
  if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw new UsageError(`--nginx-version must look like 1.22 or 1.22.1, not "${version}"`);
  }
  return {
    ...(version ? { nginxVersion: version } : {}),
    unsafe: switches.has('unsafe'),
    // On the user's own machine the CLI quotes their files as they are, unless asked not to.
    raw: !switches.has('redact'),
  };
}

export async function runAnalyze(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['nginx-version', 'fail-on', 'format'],
    switches: ['json', 'redact', 'unsafe'],
  });
  const format = (args.values.get('format') ??
    (args.switches.has('json') ? 'json' : 'text')) as Format;
  if (!formats.includes(format))
    throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  if (args.switches.has('json') && format !== 'json')
    throw new UsageError('--json is --format json: give one of them');
  const failOn = args.values.get('fail-on') as Severity | undefined;
  if (failOn !== undefined && !severities.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${severities.join(', ')}`);
  }
  const inputs = await readInputs(args.positional);
  const report = analyze(
    inputs.sources,
    analyzeOptions(args.values, args.switches),
    await streamLarge(inputs),
    inputs.unreadable,
  );
  const redacted = args.switches.has('redact');
  const write: Record<Exclude<Format, 'json'>, () => string> = {
    text: () => formatReport(report),
    sarif: () => formatSarif(report, redacted),
    github: () => formatGithub(report),
  };
  // A fleet's JSON report is over 100 MB: written in pieces, never held as one string.
  if (format === 'json') writeJson(report, (chunk) => process.stdout.write(chunk));
  else process.stdout.write(write[format]());
  if (failOn === undefined) return 0;
  const threshold = severities.indexOf(failOn);
  return report.findings.some((f) => severities.indexOf(f.severity) >= threshold) ? 1 : 0;
}
