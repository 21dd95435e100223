/**
 * Words the CLI, the Markdown export and the page put on a report's nginx version. The
 * engine always resolves one (defaults differ by version), but an assumed version is worth
 * saying only when something pasted is nginx's: a balancer sending straight to gunicorn has no
 * nginx hop to be assumed about.
 */
import type { Report } from '../../workers/engine/model.ts';

/** Whether a pasted config or log line is nginx's (a file, a segment of a paste, an event). */
export function nginxPasted(report: Report): boolean {
  return (
    report.files.some((f) => f.kind === 'nginx' || f.segments?.some((s) => s.kind === 'nginx')) ||
    report.events.some((e) => e.source === 'nginx-error' || e.source === 'nginx-access')
  );
}

/** "nginx 1.24.0 (assumed)", "nginx 1.22.1"; null when an assumption about nothing pasted. */
export function nginxVersionWords(report: Report): string | null {
  if (!report.nginxVersion) return 'nginx version unknown';
  const assumed = report.nginxVersionSource === 'assumed';
  if (assumed && !nginxPasted(report)) return null;
  return `nginx ${report.nginxVersion}${assumed ? ' (assumed)' : ''}`;
}
