/**
 * AWS load balancer access logs (ALB and Classic ELB, in AWS's documented field order): the
 * balancer's status, the target's, the request, and what tells a connection nginx never
 * answered (target status "-", processing time -1). Lines written for this test.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLine } from '../../workers/engine/logs/decode.ts';
import { isUpstreamFailure } from '../../workers/engine/rules/rank.ts';

const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067';
const alb = (status: string, target: string, times = '0.000 -1 -1', type = 'https', reason = '-') =>
  `${type} 2026-12-01T09:14:03.512345Z app/web/50dc6c495c0c9188 203.0.113.5:46532 10.0.1.12:80 ${times} ${status} ${target} 534 257 "POST https://shop.example.com:443/cart/add?item=7 HTTP/1.1" "Mozilla/5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${ARN} "Root=1-5833-36d2" "shop.example.com" "-" 0 2026-12-01T09:14:03.500000Z "forward" "-" "${reason}" "10.0.1.12:80" "${target}" "-" "-" TID_1`;
const elb = (status: string, backend: string) =>
  `2026-12-01T09:20:41.000100Z web-classic 192.0.2.10:2817 10.0.0.8:80 0.000086 -1 -1 ${status} ${backend} 0 0 "GET http://shop.example.com:80/ HTTP/1.1" "curl/8.4.0" - -`;

describe('AWS load balancer access logs', () => {
  it('an ALB 502 that nginx never answered', () => {
    const ev = decodeLine(alb('502', '-', '0.000 -1 -1', 'https', 'TargetConnectionError'))!;
    expect(ev).toMatchObject({
      source: 'aws-lb',
      kind: 'response',
      status: 502,
      time: '2026-12-01T09:14:03.512345Z',
      method: 'POST',
      path: '/cart/add',
      upstream: 'http://10.0.1.12:80',
      fields: {
        balancer: 'alb',
        lb: 'app/web/50dc6c495c0c9188',
        targetStatus: '-',
        targetTime: -1,
        host: 'shop.example.com',
        errorReason: 'TargetConnectionError',
      },
    });
    expect(isUpstreamFailure(ev as never)).toBe(true);
  });

  it('an ALB 200 and a 502 nginx itself answered keep their target status', () => {
    expect(decodeLine(alb('200', '200', '0.001 0.012 0.000', 'http'))!.fields).toMatchObject({
      targetStatus: '200',
      targetTime: 0.012,
    });
    expect(decodeLine(alb('502', '502', '0.001 0.300 0.000', 'h2'))!.fields?.targetStatus).toBe(
      '502',
    );
  });

  it('a Classic ELB 504 with no backend answer', () => {
    expect(decodeLine(elb('504', '-'))).toMatchObject({
      source: 'aws-lb',
      status: 504,
      method: 'GET',
      path: '/',
      fields: { balancer: 'elb', lb: 'web-classic', targetStatus: '-' },
    });
  });

  it('what is not a balancer line stays unread', () => {
    for (const line of [
      // nginx's combined format
      '203.0.113.5 - - [01/Dec/2026:09:14:03 +0000] "POST /cart HTTP/1.1" 502 157 "-" "Mozilla/5.0"',
      // cut off inside the request, a status that is no status, a time that is no time
      alb('502', '-').slice(0, alb('502', '-').indexOf('shop.example.com')),
      alb('5x2', '-'),
      alb('502', '-').replace('2026-12-01T09:14:03.512345Z', 'yesterday'),
      'https is how we serve it, says the doc',
    ])
      expect(decodeLine(line)?.source, line).not.toBe('aws-lb');
  });

  it('property: any text around the fields never throws', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              'https',
              '"',
              '-',
              '502',
              '-1',
              '10.0.1.12:80',
              '2026-12-01T09:14:03Z',
              ' ',
            ),
            fc.string(),
          ),
          { maxLength: 30 },
        ),
        (parts) => {
          decodeLine(parts.join(' '));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
