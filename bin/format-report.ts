import type { Finding, Place, Report, TimerLadder } from '../workers/engine/model.ts';
import { nginxVersionWords } from '../src/lib/version-words.ts';

/** The human-readable form of a report, for a terminal or a CI log. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  const version = nginxVersionWords(report);
  out.push(
    `${report.files.length} file(s), ${report.events.length} log event(s)${version ? `, ${version}` : ''}`,
  );
  for (const file of report.files) {
    for (const error of file.errors) out.push(`${file.name}:${error.line}: ${error.message}`);
  }
  if (report.findings.length === 0) out.push('No findings.');
  const causes = report.findings.filter((f) => f.role === 'cause');
  const risks = report.findings.filter((f) => f.role === 'risk');
  if (causes.length > 0) out.push('', 'What happened — causes of the failures in your logs:');
  causes.forEach((finding, i) => out.push(...formatFinding(finding, i + 1)));
  if (risks.length > 0)
    out.push(
      '',
      causes.length > 0 || report.events.length > 0
        ? 'Also in your configs — not seen in your logs:'
        : 'Risks in your configs (no log lines pasted to tell what happened):',
    );
  risks.forEach((finding, i) => out.push(...formatFinding(finding, causes.length + i + 1)));
  for (const ladder of report.timers ?? []) out.push('', ...formatLadder(ladder));
  if (report.redactions.length > 0) out.push('', `${report.redactions.length} secret(s) redacted.`);
  return out.join('\n') + '\n';
}

function formatFinding(finding: Finding, n: number): string[] {
  const out = ['', `${n}. [${finding.severity}] ${finding.title} (${finding.rule})`];
  out.push(`   ${finding.message}`);
  for (const ev of finding.evidence) {
    out.push(
      `   ${ev.file}:${ev.line}${ev.text ? `  ${ev.text.trim()}` : ''}${ev.note ? `  — ${ev.note}` : ''}`,
    );
  }
  out.push(...formatPlaces(finding.places ?? []));
  const { fix } = finding;
  if (fix) {
    const where = finding.places ? ` in all ${finding.places.length + 1} places` : '';
    out.push(`   fix (${fix.safety}${fix.applied ? `, applied${where}` : ''}): ${fix.description}`);
    const alt = fix.alternative;
    if (alt)
      out.push(
        `   or instead (${alt.safety}${alt.applied ? ', applied' : ', with --unsafe'}): ${alt.description}`,
      );
    if (fix.noSafeChange) out.push(`   why no safe change: ${fix.noSafeChange}`);
  }
  return out;
}

/** Places listed in a terminal at most; JSON, SARIF and GitHub output list every one. */
const LISTED = 20;

/** The same finding elsewhere: a line per place, its first line and what it says there. */
function formatPlaces(places: readonly Place[]): string[] {
  if (places.length === 0) return [];
  const out = [`   The same in ${places.length} more place(s):`];
  for (const place of places.slice(0, LISTED)) {
    const at = place.evidence[0];
    out.push(`   - ${at ? `${at.file}:${at.line}  ` : ''}${place.message}`);
  }
  if (places.length > LISTED)
    out.push(`   … and ${places.length - LISTED} more (--format json lists every place).`);
  return out;
}

/** The timers on one path as a table, shortest first, with where the failed requests ended. */
function formatLadder({ path, timers, failed, logged }: TimerLadder): string[] {
  const out = [`Timers on the path of ${path}:`];
  const seconds = (n: number) => `${Number(n.toFixed(1))} s`;
  const width = (f: (t: TimerLadder['timers'][number]) => string) =>
    Math.max(0, ...timers.map((t) => f(t).length));
  // Idle and pod timers are listed for the whole picture; they never end a request's run.
  const name = (t: TimerLadder['timers'][number]) =>
    t.bounds ? `${t.setting} [${t.bounds}]` : t.setting;
  const w = [width((t) => seconds(t.seconds)), width(name), width((t) => t.hop)];
  const ended = failed
    ? `${failed.count} failed request(s) ended at ${failed.median.toFixed(1)} s`
    : '';
  timers.forEach((t, i) => {
    const mark = failed?.fired.includes(i)
      ? `  <- fired: ${ended}`
      : logged.includes(i)
        ? '  <- fired: its own log says so'
        : '';
    out.push(
      `  ${seconds(t.seconds).padStart(w[0]!)}  ${name(t).padEnd(w[1]!)}  ${t.hop.padEnd(w[2]!)}  ${t.source}${mark}`,
    );
  });
  if (failed && !failed.consistent)
    out.push(
      `  ${failed.count} failed request(s) ended after ${failed.min.toFixed(1)}–${failed.max.toFixed(1)} s: not one timer.`,
    );
  else if (failed && failed.fired.length === 0)
    out.push(`  ${ended}: no timer on this path is that long.`);
  return out;
}
