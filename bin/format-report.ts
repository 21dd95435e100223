import type { Report } from '../workers/engine/model.ts';

/** The human-readable form of a report, for a terminal or a CI log. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  const version = report.nginxVersion
    ? `nginx ${report.nginxVersion}${report.nginxVersionSource === 'assumed' ? ' (assumed)' : ''}`
    : 'nginx version unknown';
  out.push(`${report.files.length} file(s), ${report.events.length} log event(s), ${version}`);
  for (const file of report.files) {
    for (const error of file.errors) out.push(`${file.name}:${error.line}: ${error.message}`);
  }
  if (report.findings.length === 0) out.push('No findings.');
  report.findings.forEach((finding, i) => {
    out.push('', `${i + 1}. [${finding.severity}] ${finding.title} (${finding.rule})`);
    out.push(`   ${finding.message}`);
    for (const ev of finding.evidence) {
      out.push(
        `   ${ev.file}:${ev.line}${ev.text ? `  ${ev.text.trim()}` : ''}${ev.note ? `  — ${ev.note}` : ''}`,
      );
    }
    if (finding.fix) {
      out.push(
        `   fix (${finding.fix.safety}${finding.fix.applied ? ', applied' : ''}): ${finding.fix.description}`,
      );
    }
  });
  if (report.redactions.length > 0) out.push('', `${report.redactions.length} secret(s) redacted.`);
  return out.join('\n') + '\n';
}
