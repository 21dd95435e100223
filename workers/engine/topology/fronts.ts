/**
 * The hops in front of nginx: load balancers that keep their own connections to it, from the
 * pasted infrastructure files (Terraform `aws_lb`/`aws_alb`/`aws_elb`; a Kubernetes Service of
 * type LoadBalancer with AWS annotations, usually ingress-nginx's). Each with its idle timeout
 * and where that value came from.
 */
import type { ParsedFile } from '../formats/types.ts';
import type { EffectiveValue } from '../formats/gunicorn/text.ts';
import { terraformBalancers, type TerraformTree } from '../formats/terraform/index.ts';
import {
  kubernetesServices,
  serviceElb,
  type KubernetesTree,
} from '../formats/kubernetes/index.ts';

export interface Front {
  kind: 'alb' | 'elb';
  /** For people: "AWS ALB aws_lb.web (main.tf)". */
  label: string;
  /** Seconds the balancer keeps an idle connection to nginx. */
  idle: EffectiveValue;
  file: string;
  /** The line that declares it. */
  line: number;
  /** The Kubernetes Service it was made for (its annotations hold its settings). */
  service?: string;
}

const NAMES = { alb: 'AWS ALB', elb: 'AWS Classic ELB' } as const;

export function collectFronts(files: readonly ParsedFile[]): Front[] {
  return files.flatMap((f): Front[] => {
    if (f.kind === 'terraform')
      return terraformBalancers(f as ParsedFile<TerraformTree>).map((lb) => ({
        kind: lb.kind,
        label: `${NAMES[lb.kind]} ${lb.address} (${f.name})`,
        idle: lb.idle,
        file: f.name,
        line: lb.line,
      }));
    if (f.kind !== 'kubernetes') return [];
    return kubernetesServices(f as ParsedFile<KubernetesTree>).flatMap((service) => {
      const elb = serviceElb(service);
      if (!elb) return [];
      const { value, line } = elb.idle;
      return [
        {
          kind: 'elb' as const,
          label: `${NAMES.elb} of Service ${service.name} (${f.name})`,
          idle:
            line === null
              ? { value: '60', source: { default: 'AWS default (connection idle timeout, 60 s)' } }
              : { value, source: { file: f.name, line } },
          file: f.name,
          line: service.line,
          service: service.name,
        },
      ];
    });
  });
}
