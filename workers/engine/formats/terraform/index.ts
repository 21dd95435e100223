/**
 * Terraform files: the load balancers they declare — AWS (`aws_lb`/`aws_alb`, application
 * type, and the Classic `aws_elb`) with their idle timeout, and Google Cloud backend services
 * (`google_compute_backend_service`, `google_compute_region_backend_service`), whose balancer
 * keeps idle connections to backends 600 s and waits `timeout_sec` (30 s by default) for a
 * response — the hop in front of nginx.
 */
import type { FormatHandler, ParsedFile, Setting } from '../types.ts';
import type { EffectiveValue } from '../gunicorn/text.ts';
import { baseName } from '../../strings.ts';
import type { Edit } from '../../model.ts';
import { parseHcl, type HclBlock, type TerraformTree } from './parse.ts';
import { setHclNumber } from './edit.ts';

export type { TerraformTree, HclBlock } from './parse.ts';

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const blocks =
    /^[ \t]*(resource|data|module|variable|provider|terraform|locals|output)\b[^\n=]*\{[ \t]*$/m;
  if (/\.tf$/i.test(baseName(name))) return blocks.test(head) ? 0.95 : 0.6;
  return /^[ \t]*resource[ \t]+"aws_[a-z_]+"[ \t]+"[^"]+"[ \t]*\{/m.test(head) ? 0.8 : 0;
}

export const handler: FormatHandler<TerraformTree> = {
  kind: 'terraform',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse(name, text): ParsedFile<TerraformTree> {
    const { tree, errors } = parseHcl(text);
    return {
      name,
      kind: 'terraform',
      text,
      errors,
      tree,
      print: () => text,
      settings: () => settingsOf(name, tree),
    };
  },
};

function settingsOf(file: string, tree: TerraformTree): Setting[] {
  return tree.blocks.flatMap((b) =>
    b.attributes.map((a) => ({
      key: a.name,
      value: a.value,
      file,
      line: a.line,
      scope: [b.type, ...b.labels].join(' '),
      ...(a.value === null ? { dynamic: `\`${a.raw}\` is known only when Terraform runs` } : {}),
    })),
  );
}

/** An AWS load balancer a Terraform file declares. */
export interface TerraformBalancer {
  kind: 'alb' | 'elb' | 'gcp';
  /** `aws_lb.web`. */
  address: string;
  line: number;
  /** Seconds an idle connection is kept, with where that came from. */
  idle: EffectiveValue;
  /** Google Cloud: the backend service timeout, how long it waits for a response. */
  wait?: EffectiveValue;
  /**
   * AWS: edits that set its idle timeout to `seconds` in this file; null when the value is an
   * expression Terraform computes.
   */
  setIdle?: (seconds: number) => Edit[] | null;
}

const LB = /^aws_(lb|alb)$/;
const GCP = /^google_compute_(region_)?backend_service$/;

export function terraformBalancers(file: ParsedFile<TerraformTree>): TerraformBalancer[] {
  const out: TerraformBalancer[] = [];
  for (const block of file.tree.blocks) {
    const [type, name] = block.labels;
    if (block.type !== 'resource' || !type || !name) continue;
    const attr = (n: string) => block.attributes.find((a) => a.name === n);
    if (block.type === 'resource' && GCP.test(type)) {
      out.push({
        kind: 'gcp',
        address: `${type}.${name}`,
        line: block.line,
        idle: {
          value: '600',
          source: { default: 'Google Cloud load balancer keep-alive to backends (600 s, fixed)' },
        },
        wait: valueOf(
          file.name,
          block,
          'timeout_sec',
          'Google Cloud default (backend service timeout, 30 s)',
          '30',
        ),
      });
      continue;
    }
    const lbType = attr('load_balancer_type')?.value ?? 'application';
    if (!(LB.test(type) && lbType === 'application') && type !== 'aws_elb') continue;
    out.push({
      kind: type === 'aws_elb' ? 'elb' : 'alb',
      address: `${type}.${name}`,
      line: block.line,
      idle: idleOf(file.name, block),
      setIdle: (seconds) => setHclNumber(file.name, file.text, block, 'idle_timeout', seconds),
    });
  }
  return out;
}

function idleOf(file: string, block: HclBlock): EffectiveValue {
  return valueOf(file, block, 'idle_timeout', 'AWS default (idle_timeout, 60 s)', '60');
}

/** An attribute as a value with its line, or the provider's default when it is not written. */
function valueOf(
  file: string,
  block: HclBlock,
  name: string,
  byDefault: string,
  fallback: string,
): EffectiveValue {
  const attr = block.attributes.find((a) => a.name === name);
  if (!attr) return { value: fallback, source: { default: byDefault } };
  return attr.value === null
    ? {
        value: null,
        source: {
          dynamic: `\`${attr.raw}\` is known only when Terraform runs`,
          file,
          line: attr.line,
        },
      }
    : { value: attr.value, source: { file, line: attr.line } };
}
