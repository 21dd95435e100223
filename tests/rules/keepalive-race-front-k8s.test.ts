/**
 * keepalive-race between an AWS Classic ELB made for a Kubernetes Service (type LoadBalancer,
 * `service.beta.kubernetes.io/aws-load-balancer-*` annotations) and ingress-nginx behind it,
 * whose client keep-alive is the ConfigMap's `keep-alive` (75 s by default). The exact fixed
 * manifest, its re-analysis, and near misses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const service = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  annotations:
${annotations}
spec:
  type: LoadBalancer
  ports:
    - port: 80
`;
const IDLE = (n: number) =>
  `    service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout: "${n}"`;
const configMap = (data: string) => `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
data:
${data}
`;
const run = (text: string) => analyze([{ name: 'ingress.yaml', text }]);
const race = (text: string) => run(text).findings.filter((f) => f.cause === 'keepalive-race');

describe('keepalive-race: an ELB Service in front of ingress-nginx', () => {
  it('idle timeout 3600 before the default keep-alive (75 s): set in the pasted ConfigMap', () => {
    const text = service(IDLE(3600)) + configMap('  use-forwarded-headers: "true"');
    const [hit] = race(text);
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['connection-idle-timeout', '3600 s'],
      ['keep-alive', '75s'],
    ]);
    const fixed = run(text).fixed[0]!.text;
    expect(fixed).toBe(
      service(IDLE(3600)) + configMap('  use-forwarded-headers: "true"\n  keep-alive: "3605"'),
    );
    expect(race(fixed)).toEqual([]);
  });

  it('the default 60 s idle timeout before keep-alive "30": replaced in place', () => {
    const text =
      service('    service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http') +
      configMap('  keep-alive: "30"');
    const fixed = run(text).fixed[0]!.text;
    expect(fixed).toContain('  keep-alive: "65"\n');
    expect(race(fixed)).toEqual([]);
  });

  it('no ConfigMap pasted, only an Ingress: the change is said, not made', () => {
    const ingress = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 80
`;
    const [hit] = race(service(IDLE(300)) + ingress);
    expect(hit!.fix).toMatchObject({ safety: 'manual' });
    expect(hit!.fix!.description).toContain('keep-alive 305');
  });

  it('does not trigger: an NLB, a Service without AWS annotations, the defaults (60 s < 75 s)', () => {
    const cm = configMap('  keep-alive: "10"');
    expect(
      race(
        service(`${IDLE(300)}\n    service.beta.kubernetes.io/aws-load-balancer-type: nlb`) + cm,
      ),
    ).toEqual([]);
    expect(race(service('    example.com/owner: shop') + cm)).toEqual([]);
    expect(
      race(
        service('    service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http') +
          configMap('  use-forwarded-headers: "true"'),
      ),
    ).toEqual([]);
  });
});
