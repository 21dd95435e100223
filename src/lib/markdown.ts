/**
 * The diagnosis as Markdown for an incident ticket or an issue: what happened, the timeline's
 * figures, the timers, the causes with their evidence lines, the risks in brief, and the patch.
 * Built from the report the page shows, which is redacted: secrets never reach this text.
 */
import { nginxVersionWords } from './version-words.ts';
import type { Finding, Incident, Report, TimerLadder } from '../../workers/engine/model.ts';
import { causeLabels } from './causes.ts';

/** A code fence longer than any run of backticks inside `text`, so quoted lines cannot end it. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** Inline code around a file name: a span fenced by more backticks than it holds. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text}${ticks}`;
}

/** Markdown table cells: a pipe or a line break would split the row. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function incidentLines(incident: Incident): string[] {
  const s = incident.summary;
  const out = [`### ${s?.headline ?? incident.upstream ?? 'Upstream failures'}`, ''];
  if (s?.where) out.push(`- while ${s.where}`);
  if (s?.when) out.push(`- ${s.when}`);
  if (s && s.routes.length > 0) out.push(`- routes: ${s.routes.join(', ')}`);
  for (const line of s?.before ?? []) out.push(`- just before: ${line}`);
  if (incident.timeline.length > 1) {
    const kinds = [...new Set(incident.timeline.flatMap((b) => Object.keys(b.counts)))];
    out.push(
      '',
      `| from | ${kinds.map(cell).join(' | ')} |`,
      `| --- |${' --: |'.repeat(kinds.length)}`,
    );
    // Quiet buckets are left out: the rows are when things happened.
    for (const bucket of incident.timeline.filter((b) =>
      Object.values(b.counts).some((n) => n > 0),
    ))
      out.push(
        `| ${cell(bucket.start)} | ${kinds.map((k) => bucket.counts[k] ?? 0).join(' | ')} |`,
      );
  }
  return out;
}

function ladderLines({ path, timers, failed, logged }: TimerLadder): string[] {
  const out = [
    `Timers on the path of ${path}:`,
    '',
    '| timer | seconds | where | set by | |',
    '| --- | --: | --- | --- | --- |',
  ];
  timers.forEach((t, i) => {
    const mark = failed?.fired.includes(i)
      ? `**fired**: ${failed.count} failed request(s) ended at ${failed.median.toFixed(1)} s`
      : logged.includes(i)
        ? '**fired** (its own log says so)'
        : t.bounds
          ? `${t.bounds} timer, never ends a request`
          : '';
    out.push(
      `| \`${cell(t.setting)}\` | ${Number(t.seconds.toFixed(1))} | ${cell(t.hop)} | ${cell(t.source)} | ${mark} |`,
    );
  });
  if (failed && !failed.consistent)
    out.push(
      '',
      `${failed.count} failed request(s) ended after ${failed.min.toFixed(1)}–${failed.max.toFixed(1)} s: not one timer.`,
    );
  else if (failed && failed.fired.length === 0)
    out.push(
      '',
      `${failed.count} failed request(s) ended at ${failed.median.toFixed(1)} s: no timer on this path is that long.`,
    );
  return out;
}

/** Other places of a finding listed at most (the patch holds every one's change). */
const LISTED = 25;

function findingLines(finding: Finding, n: number): string[] {
  const percent = Math.round((finding.confidence ?? 0) * 100);
  const out = [
    `### ${n}. ${finding.title}`,
    '',
    `*${causeLabels[finding.cause] ?? finding.cause}* · ${finding.severity} · confidence ${percent}% · rule \`${finding.rule}\``,
    '',
    finding.message,
  ];
  if (finding.evidence.length > 0) {
    const width = Math.max(...finding.evidence.map((e) => `${e.file}:${e.line}`.length));
    const lines = finding.evidence.map((e) => {
      const at = `${e.file}:${e.line}`.padEnd(width);
      return `${at}  ${e.text?.trim() ?? ''}${e.note ? `   # ${e.note}` : ''}`.trimEnd();
    });
    out.push('', 'Evidence:', '', fenced(lines.join('\n')));
  }
  const places = finding.places ?? [];
  if (places.length > 0) {
    out.push('', `The same in ${places.length} more place(s):`, '');
    for (const place of places.slice(0, LISTED)) {
      const at = place.evidence[0];
      out.push(`- ${at ? `${code(`${at.file}:${at.line}`)} ` : ''}${place.message}`);
    }
    if (places.length > LISTED) out.push(`- … and ${places.length - LISTED} more`);
  }
  const { fix } = finding;
  if (fix) {
    const state = fix.applied
      ? 'in the patch below'
      : fix.safety === 'manual'
        ? 'by hand'
        : 'not applied';
    out.push('', `**Fix** (${fix.safety}, ${state}): ${fix.description}`);
    if (fix.alternative)
      out.push(
        '',
        `**Or instead** (${fix.alternative.safety}${fix.alternative.applied ? ', in the patch below' : ''}): ${fix.alternative.description}`,
      );
  }
  return out;
}

export function reportMarkdown(report: Report): string {
  const incidents = report.incidents ?? [];
  const causes = report.findings.filter((f) => f.role === 'cause');
  const risks = report.findings.filter((f) => f.role === 'risk');
  const failures = incidents.reduce((n, i) => n + i.count, 0);
  const version = nginxVersionWords(report);
  const out = [
    `## ${causes[0] ? `502s: ${causes[0].title}` : 'upstream-doctor diagnosis'}`,
    '',
    `${failures} failed request(s) to ${incidents.length} upstream(s) · ${report.files.length} input(s)${version ? ` · ${version}` : ''}`,
  ];
  if (incidents.length > 0) out.push('', '## What happened', '');
  for (const incident of incidents) out.push(...incidentLines(incident), '');
  for (const ladder of report.timers ?? []) out.push(...ladderLines(ladder), '');
  if (causes.length > 0) out.push('## Causes', '');
  causes.forEach((f, i) => out.push(...findingLines(f, i + 1), ''));
  if (risks.length > 0) {
    out.push(
      causes.length > 0 || report.events.length > 0
        ? '## Also in the configs (not seen in the logs)'
        : '## Risks in the configs',
      '',
    );
    risks.forEach((f, i) => out.push(...findingLines(f, causes.length + i + 1), ''));
  }
  if (report.patch) out.push('## Proposed change', '', fenced(report.patch, 'diff'), '');
  if (report.redactions.length > 0)
    out.push(
      `*${report.redactions.length} secret(s) in the inputs were masked before this was written.*`,
      '',
    );
  out.push('*Written by upstream-doctor, in the browser: nothing was uploaded.*');
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}
