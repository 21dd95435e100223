/**
 * The report as GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` per
 * finding and place, on its first evidence line, so the job's summary and the pull request's files show
 * it where it is. (Documented escaping: `%`, CR and LF in the message; also `:` and `,` in
 * property values.)
 */
import type { Report, Severity } from '../workers/engine/model.ts';
import { eachPlace } from '../workers/engine/pipeline/places.ts';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

const data = (text: string) =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (text: string) => data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(report: Report): string {
  // One annotation per place: each is a line of the repository a reviewer should see.
  const all = report.findings.flatMap(eachPlace);
  const lines = all.map((f) => {
    const at = f.evidence[0];
    const props = [
      ...(at ? [`file=${property(at.file)}`, `line=${Math.max(1, at.line)}`] : []),
      `title=${property(`${f.title} (${f.rule})`)}`,
    ].join(',');
    const fix = f.fix
      ? `\nFix (${f.fix.safety}${f.fix.applied ? ', in the patch' : ''}): ${f.fix.description}`
      : '';
    return `::${COMMAND[f.severity]} ${props}::${data(`${f.message}${fix}`)}`;
  });
  const counts = (['error', 'warning', 'info'] as const).map(
    (s) => `${all.filter((f) => f.severity === s).length} ${s}`,
  );
  const places = all.length === report.findings.length ? '' : ` in ${all.length} places`;
  lines.push(
    `upstream-doctor: ${report.findings.length} finding(s)${places}: ${counts.join(', ')}`,
  );
  return lines.join('\n') + '\n';
}
