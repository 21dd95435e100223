/**
 * Secrets held as a name/value pair rather than an assignment: XML app settings
 * (`<add key="DbPassword" value="…"/>`), JSON env entries (`{"name":"DB_PASSWORD","value":"…"}`,
 * as in kubectl's last-applied JSON or docker inspect output), Terraform-ish `name = "…"
 * value = "…"`. The name must be a credential's; the value is taken inside its quotes.
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const PAIR =
  /\b(?:key|name)["']?[ \t]*[=:][ \t]*(["'])([^"'\n]{1,120})\1[ \t]*(?:,[ \t]*)?["']?value["']?[ \t]*[=:][ \t]*(["'])([^"'\n]{0,4096})\3/dg;

export function findNameValuePairs(text: string): Candidate[] {
  const out: Candidate[] = [];
  PAIR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PAIR.exec(text)) !== null) {
    const kind = secretKindOfName(m[2]!);
    const [start, end] = m.indices![4]!;
    if (kind && !isNonSecretValue(m[4]!, true, kind))
      out.push({ start, end, kind, layer: 'common' });
  }
  return out;
}
