import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * AWS load balancer access logs, in the field order AWS documents (fields separated by spaces,
 * some in double quotes; later fields may be added at the end, so only the leading ones are
 * read):
 *   ALB: type time elb client:port target:port request_processing_time target_processing_time
 *        response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 *        "request" "user_agent" … ("error_reason" is the 25th field)
 *   Classic ELB: time elb client:port backend:port request_processing_time
 *        backend_processing_time response_processing_time elb_status_code backend_status_code
 *        received_bytes sent_bytes "request" …
 * A processing time of -1 and a target status of `-` mean the target never answered: for a
 * 502 the target closed or reset the connection (or could not be reached); for a 504 the
 * balancer's idle timeout ran out first.
 */
const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
const ADDRESS = /^(?:[\d.]+|\[[0-9a-f:]+\]):\d+$|^-$/i;
const SECONDS = /^-?\d+(?:\.\d+)?$/;
const STATUS = /^\d{3}$|^-$/;

/** The line's fields: quoted ones as one field without their quotes; null if a quote is open. */
function fieldsOf(body: string, max: number): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < body.length && out.length < max) {
    if (body[i] === ' ') {
      i++;
      continue;
    }
    if (body[i] === '"') {
      const end = body.indexOf('"', i + 1);
      if (end < 0) return null;
      out.push(body.slice(i + 1, end));
      i = end + 1;
    } else {
      const end = body.indexOf(' ', i);
      out.push(body.slice(i, end < 0 ? body.length : end));
      i = end < 0 ? body.length : end;
    }
  }
  return out;
}

export function decodeAwsLb(body: string, _wrapper: Wrapper): DecodedLine | null {
  const first = body.slice(0, body.indexOf(' '));
  const alb = ALB_TYPES.has(first);
  if (!alb && !TIME.test(first)) return null;
  const f = fieldsOf(body, 26);
  if (!f) return null;
  const at = alb ? 1 : 0; // the ALB's type comes first; the rest are one field on
  const [time, lb, client, target, req, tgt, res, lbStatus, tgtStatus] = f.slice(at, at + 9);
  const request = f[at + 11];
  if (
    !time ||
    !TIME.test(time) ||
    !lb ||
    !client ||
    !ADDRESS.test(client) ||
    !target ||
    !ADDRESS.test(target) ||
    ![req, tgt, res].every((t) => t !== undefined && SECONDS.test(t)) ||
    !lbStatus ||
    !/^\d{3}$/.test(lbStatus) ||
    !tgtStatus ||
    !STATUS.test(tgtStatus) ||
    request === undefined
  )
    return null;
  const fields: Fields = {
    balancer: alb ? 'alb' : 'elb',
    lb,
    client,
    targetStatus: tgtStatus,
    targetTime: Number(tgt),
  };
  const errorReason = alb ? f[at + 23] : undefined;
  if (errorReason && errorReason !== '-') fields.errorReason = errorReason;
  const ev: DecodedLine = {
    source: 'aws-lb',
    kind: 'response',
    time,
    status: Number(lbStatus),
    fields,
  };
  if (target !== '-') ev.upstream = `http://${target}`;
  // "POST https://shop.example.com:443/api/orders?x=1 HTTP/1.1"
  const m = /^([A-Z]+) (\w+):\/\/([^/:\s]+)(?::\d+)?(\/\S*)? /.exec(request);
  if (m) {
    ev.method = m[1]!;
    ev.path = (m[4] ?? '/').split('?')[0]!;
    fields.host = m[3]!;
  }
  return ev;
}
