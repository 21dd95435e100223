/**
 * The hops in front of nginx: load balancers that keep their own connections to it, from the
 * pasted infrastructure files (Terraform `aws_lb`/`aws_alb`/`aws_elb`). Each with its idle
 * timeout and where that value came from.
 */
import type { ParsedFile } from '../formats/types.ts';
import type { EffectiveValue } from '../formats/gunicorn/text.ts';
import { terraformBalancers, type TerraformTree } from '../formats/terraform/index.ts';

export interface Front {
  kind: 'alb' | 'elb';
  /** For people: "AWS ALB aws_lb.web (main.tf)". */
  label: string;
  /** Seconds the balancer keeps an idle connection to nginx. */
  idle: EffectiveValue;
  file: string;
  /** The line that declares it. */
  line: number;
}

const NAMES = { alb: 'AWS ALB', elb: 'AWS Classic ELB' } as const;

export function collectFronts(files: readonly ParsedFile[]): Front[] {
  return files
    .filter((f) => f.kind === 'terraform')
    .flatMap((f) =>
      terraformBalancers(f as ParsedFile<TerraformTree>).map((lb) => ({
        kind: lb.kind,
        label: `${NAMES[lb.kind]} ${lb.address} (${f.name})`,
        idle: lb.idle,
        file: f.name,
        line: lb.line,
      })),
    );
}
