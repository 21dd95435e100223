/**
 * Where an nginx effective value comes from, as findings cite it: "app.conf:12" for a written
 * directive, "nginx 1.22 default" (the defaults table's wording) otherwise.
 */
import type { Effective } from '../../formats/nginx/index.ts';

export function whereSet(value: Effective): string {
  return 'file' in value.source
    ? `${value.source.file}:${value.source.line}`
    : value.source.default;
}

/** The line that sets it, or null for a default. */
export function writtenLine(value: Effective): { file: string; line: number } | null {
  return 'file' in value.source ? { file: value.source.file, line: value.source.line } : null;
}
