/**
 * AWS CloudFormation templates (YAML with its `!Ref`-style tags, or JSON — what CDK
 * synthesizes): the load balancers they declare with their idle timeout, the hop in front of
 * nginx, as Terraform's are (formats/terraform). `AWS::ElasticLoadBalancingV2::LoadBalancer`
 * of type application (`idle_timeout.timeout_seconds` in `LoadBalancerAttributes`, 60 s by
 * default; network and gateway balancers have no HTTP idle timeout of this kind) and the
 * Classic `AWS::ElasticLoadBalancing::LoadBalancer` (`ConnectionSettings.IdleTimeout`, 60 s).
 * Nothing is restructured: printing gives the text back byte for byte.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { FileError } from '../../model.ts';
import type { FormatHandler, ParsedFile, Setting } from '../types.ts';
import type { EffectiveValue } from '../gunicorn/text.ts';
import type { Edit } from '../../model.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';

export interface CfnResource {
  /** The logical id (`WebLoadBalancer`). */
  id: string;
  type: string;
  line: number;
  properties: YAMLMap | null;
}

export interface CloudFormationTree {
  resources: CfnResource[];
  starts: number[];
}

const TYPE = /(^|\n)[ \t]*["']?Type["']?[ \t]*:[ \t]*["']?AWS::[A-Za-z0-9]+::/;

function detect(text: string): number {
  const head = text.slice(0, 200_000);
  if (/^[ \t]*["']?AWSTemplateFormatVersion["']?[ \t]*:/m.test(head)) return 0.95;
  // A fragment without the header: a `Resources` map of AWS types.
  return /^[ \t]*["']?Resources["']?[ \t]*:/m.test(head) && TYPE.test(head) ? 0.85 : 0;
}

export const handler: FormatHandler<CloudFormationTree> = {
  kind: 'cloudformation',
  detect(_name, text) {
    try {
      return detect(text);
    } catch {
      return 0;
    }
  },
  parse: parseCloudFormation,
};

export function parseCloudFormation(name: string, text: string): ParsedFile<CloudFormationTree> {
  const starts = lineStarts(text);
  const errors: FileError[] = [];
  const resources: CfnResource[] = [];
  try {
    // Intrinsic functions (`!Ref`, `!Sub`, …) are tags yaml does not know: it warns and keeps
    // them on the node, which is all that is needed (their values are known only at deploy).
    const doc = parseDocument(text, { uniqueKeys: false });
    for (const e of doc.errors) {
      // yaml finds a quote never closed at the end of the text: name the line it opened on.
      const quote = e.code === 'MISSING_CHAR' ? /closing (['"])quote/.exec(e.message)?.[1] : null;
      if (quote) {
        const opened = text.lastIndexOf(quote, e.pos[0] - 1);
        errors.push({
          line: lineAt(starts, Math.max(0, opened)),
          message: 'quote opened here is never closed',
        });
      } else errors.push({ line: lineAt(starts, e.pos[0]), message: e.message.split('\n')[0]! });
    }
    const map = doc.get('Resources', true);
    if (isMap(map))
      for (const pair of map.items) {
        const body = pair.value;
        if (!isScalar(pair.key) || !isMap(body)) continue;
        const type = body.get('Type', true);
        const properties = body.get('Properties', true);
        resources.push({
          id: String(pair.key.value),
          type: isScalar(type) ? String(type.value) : '',
          line: lineAt(starts, pair.key.range?.[0] ?? 0),
          properties: isMap(properties) ? properties : null,
        });
      }
  } catch (e) {
    errors.push({ line: 1, message: `not readable as a template: ${(e as Error).message}` });
  }
  const tree = { resources, starts };
  return {
    name,
    kind: 'cloudformation',
    text,
    errors,
    tree,
    print: () => text,
    settings: () => settingsOf(name, text, tree),
  };
}

function settingsOf(file: string, text: string, tree: CloudFormationTree): Setting[] {
  return cloudformationBalancers({ name: file, text, tree }).map((lb) => ({
    key: lb.setting,
    value: lb.idle.value,
    file,
    line: 'line' in lb.idle.source && lb.idle.source.line ? lb.idle.source.line : lb.line,
    scope: `${lb.type} ${lb.id}`,
    ...('dynamic' in lb.idle.source && lb.idle.source.dynamic
      ? { dynamic: lb.idle.source.dynamic }
      : {}),
  }));
}

/** An AWS load balancer a template declares. */
export interface CfnBalancer {
  kind: 'alb' | 'elb';
  id: string;
  type: string;
  line: number;
  /** The setting in the template's words. */
  setting: string;
  idle: EffectiveValue;
  /** Edits that set a written idle timeout to `seconds` (its quotes kept); absent otherwise. */
  setIdle?: (seconds: number) => Edit[];
}

const ALB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const ELB = 'AWS::ElasticLoadBalancing::LoadBalancer';

export function cloudformationBalancers(file: {
  name: string;
  text: string;
  tree: CloudFormationTree;
}): CfnBalancer[] {
  const out: CfnBalancer[] = [];
  const { starts } = file.tree;
  /** A written literal is replaced in place; a value the stack resolves is not ours to set. */
  const setter = (node: unknown): Pick<CfnBalancer, 'setIdle'> => {
    if (!isScalar(node) || (node.tag && node.tag.startsWith('!')) || !node.range) return {};
    const [start, end] = node.range;
    const quote = /^["']/.exec(file.text.slice(start, end))?.[0] ?? '';
    return {
      setIdle: (seconds) => [{ file: file.name, start, end, text: `${quote}${seconds}${quote}` }],
    };
  };
  const valueOf = (node: unknown): EffectiveValue | null => {
    if (node === undefined || node === null) return null;
    const line = lineAt(starts, (node as Node).range?.[0] ?? 0);
    // A tag (`!Ref Idle`) or a map (`{"Ref": "Idle"}`) is resolved when the stack deploys.
    if (!isScalar(node) || (node.tag && node.tag.startsWith('!')))
      return {
        value: null,
        source: { dynamic: 'known only when the stack deploys', file: file.name, line },
      };
    return { value: String(node.value), source: { file: file.name, line } };
  };
  for (const r of file.tree.resources) {
    const p = r.properties;
    if (r.type === ALB) {
      const type = p?.get('Type', true);
      if (isScalar(type) && String(type.value) !== 'application') continue;
      const attributes = p?.get('LoadBalancerAttributes', true);
      const idle = isSeq(attributes)
        ? attributes.items.find(
            (a) => isMap(a) && String(a.get('Key') ?? '') === 'idle_timeout.timeout_seconds',
          )
        : undefined;
      out.push({
        kind: 'alb',
        id: r.id,
        type: r.type,
        line: r.line,
        setting: 'idle_timeout.timeout_seconds',
        idle: (isMap(idle) ? valueOf(idle.get('Value', true)) : null) ?? DEFAULT,
        ...setter(isMap(idle) ? idle.get('Value', true) : undefined),
      });
    } else if (r.type === ELB) {
      const settings = p?.get('ConnectionSettings', true);
      out.push({
        kind: 'elb',
        id: r.id,
        type: r.type,
        line: r.line,
        setting: 'ConnectionSettings.IdleTimeout',
        idle: (isMap(settings) ? valueOf(settings.get('IdleTimeout', true)) : null) ?? DEFAULT,
        ...setter(isMap(settings) ? settings.get('IdleTimeout', true) : undefined),
      });
    }
  }
  return out;
}

const DEFAULT: EffectiveValue = {
  value: '60',
  source: { default: 'AWS default (idle timeout, 60 s)' },
};
