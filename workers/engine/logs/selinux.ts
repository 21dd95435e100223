import { fromSeconds } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * SELinux denials from the audit log, as `ausearch -m avc`, `/var/log/audit/audit.log`, the
 * kernel log (`audit: type=1400 audit(…)`) and journald (`audit[812]: AVC avc: denied …`)
 * write them:
 *
 *   type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=1234
 *   comm="nginx" dest=8000 scontext=system_u:system_r:httpd_t:s0
 *   tcontext=system_u:object_r:http_port_t:s0 tclass=tcp_socket permissive=0
 *
 * nginx then logs `connect() … failed (13: Permission denied)`: the socket's mode is fine, the
 * policy said no (httpd_t may not connect to that port type, or write that socket's label).
 * The audit stamp is seconds since 1970 in UTC.
 */

const AVC =
  /^(?:type=(?:AVC|USER_AVC|1400) msg=|audit: type=1400 |AVC )?(?:audit\((\d+)(?:\.\d+)?:\d+\): )?avc: +(denied|granted) +\{([^}]+)\} for (.*)$/;

function field(rest: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}=("[^"]*"|\\S+)`).exec(rest);
  return m ? m[1]!.replace(/^"|"$/g, '') : undefined;
}

/** `system_u:system_r:httpd_t:s0` → `httpd_t`. */
function typeOf(context: string | undefined): string | undefined {
  return context?.split(':')[2];
}

export function decodeSelinux(body: string, _wrapper: Wrapper): DecodedLine | null {
  const m = AVC.exec(body);
  if (!m) return null;
  const [, stamp, verdict, permissions, rest] = m as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
  ];
  const fields: Fields = { permission: permissions.trim() };
  const text = (name: string) => field(rest, name);
  const number = (name: string) =>
    /^\d+$/.test(text(name) ?? '') ? Number(text(name)) : undefined;
  const found: Fields = {
    ...(text('comm') !== undefined && { comm: text('comm')! }),
    ...(number('pid') !== undefined && { pid: number('pid')! }),
    // `dest` is the TCP port for name_connect.
    ...(number('dest') !== undefined && { port: number('dest')! }),
    ...(text('name') !== undefined && { name: text('name')! }),
    ...(text('path') !== undefined && { path: text('path')! }),
    ...(text('tclass') !== undefined && { tclass: text('tclass')! }),
    ...(number('permissive') !== undefined && { permissive: number('permissive')! }),
  };
  Object.assign(fields, found);
  const source = typeOf(field(rest, 'scontext'));
  const target = typeOf(field(rest, 'tcontext'));
  if (source) fields.sourceType = source;
  if (target) fields.targetType = target;
  const out: DecodedLine = {
    source: 'selinux',
    kind: verdict === 'denied' ? 'avc-denied' : 'other',
  };
  if (stamp) out.time = fromSeconds(Number(stamp), 'abs');
  out.fields = fields;
  return out;
}
