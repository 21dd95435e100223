/**
 * The hops in front of nginx: load balancers that keep their own connections to it, from the
 * pasted infrastructure files (Terraform `aws_lb`/`aws_alb`/`aws_elb`, CloudFormation's load
 * balancer resources; a Kubernetes Service of
 * type LoadBalancer with AWS annotations, usually ingress-nginx's), and Cloudflare when nginx's
 * config trusts its client-address header. Each with the time it waits and where that came from.
 * An Ingress served by the AWS Load Balancer Controller is a front too, but its ALB sends to the
 * app pods themselves: it names the Services it sends to.
 */
import type { Edit } from '../model.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { EffectiveValue } from '../formats/gunicorn/text.ts';
import type { NginxFile } from '../formats/nginx/index.ts';
import { terraformBalancers, type TerraformTree } from '../formats/terraform/index.ts';
import {
  cloudformationBalancers,
  type CloudFormationTree,
} from '../formats/cloudformation/index.ts';
import {
  backendConfigName,
  isGkeClass,
  kubernetesBackendConfigs,
  kubernetesIngresses,
  kubernetesServices,
  serviceElb,
  setBackendTimeout,
  type BackendConfig,
  type K8sIngress,
  type K8sService,
  type KubernetesTree,
} from '../formats/kubernetes/index.ts';

export interface Front {
  kind: 'alb' | 'elb' | 'cloudflare' | 'gcp';
  /** For people: "AWS ALB aws_lb.web (main.tf)". */
  label: string;
  /**
   * Seconds the balancer lets a connection to nginx sit without data: idle between requests
   * and while it waits for a response (Cloudflare: only the latter).
   */
  idle: EffectiveValue;
  /** That setting in the balancer's own words ("idle_timeout"). */
  setting: string;
  /**
   * How long it waits for a response, when that is a setting of its own (Google Cloud: the
   * backend service timeout, while `idle` is its fixed 600 s keep-alive).
   */
  wait?: {
    value: EffectiveValue;
    setting: string;
    /** Edits that set it to `seconds`, when a pasted file holds it. */
    set?: (seconds: number) => Edit[];
  };
  /** Edits that set `idle` to `seconds` where a pasted file declares it; null when none can. */
  setIdle?: (seconds: number) => Edit[] | null;
  file: string;
  /** The line that declares it. */
  line: number;
  /**
   * The Services whose pods the balancer sends to, when it bypasses nginx (an ALB Ingress);
   * absent when it fronts whatever was pasted behind it.
   */
  services?: K8sService[];
}

const NAMES = {
  alb: 'AWS ALB',
  elb: 'AWS Classic ELB',
  gcp: 'Google Cloud load balancer',
} as const;

export function collectFronts(files: readonly ParsedFile[]): Front[] {
  const manifests = files.filter((f): f is ParsedFile<KubernetesTree> => f.kind === 'kubernetes');
  const services = manifests.flatMap((f) => kubernetesServices(f));
  const configs = manifests.flatMap((f) =>
    kubernetesBackendConfigs(f).map((config) => ({ file: f, config })),
  );
  return files.flatMap((f): Front[] => {
    if (f.kind === 'terraform')
      return terraformBalancers(f as ParsedFile<TerraformTree>).map((lb) => ({
        kind: lb.kind,
        label: `${NAMES[lb.kind]} ${lb.address} (${f.name})`,
        idle: lb.idle,
        setting: lb.kind === 'gcp' ? 'keep-alive timeout' : 'idle_timeout',
        ...(lb.wait ? { wait: { value: lb.wait, setting: 'timeout_sec' } } : {}),
        ...(lb.setIdle ? { setIdle: lb.setIdle } : {}),
        file: f.name,
        line: lb.line,
      }));
    if (f.kind === 'cloudformation')
      return cloudformationBalancers(f as ParsedFile<CloudFormationTree>).map((lb) => ({
        kind: lb.kind,
        label: `${NAMES[lb.kind]} ${lb.id} (${f.name})`,
        idle: lb.idle,
        setting: lb.setting,
        ...(lb.setIdle ? { setIdle: lb.setIdle } : {}),
        file: f.name,
        line: lb.line,
      }));
    if (f.kind === 'nginx') return cloudflare(f as NginxFile);
    if (f.kind !== 'kubernetes') return [];
    const parsed = f as ParsedFile<KubernetesTree>;
    return [
      ...serviceElbs(parsed),
      ...albIngresses(parsed, services),
      ...gkeIngresses(parsed, services, configs),
    ];
  });
}

/** A manifest's value with its line, or AWS's 60 s when the manifest does not say. */
function written(
  file: string,
  value: string | null,
  line: number | null,
  byDefault: string,
): EffectiveValue {
  return line === null
    ? { value: '60', source: { default: byDefault } }
    : { value, source: { file, line } };
}

function serviceElbs(f: ParsedFile<KubernetesTree>): Front[] {
  return kubernetesServices(f).flatMap((service) => {
    const elb = serviceElb(service);
    if (!elb) return [];
    const { value, line } = elb.idle;
    return [
      {
        kind: 'elb' as const,
        label: `${NAMES.elb} of Service ${service.name} (${f.name})`,
        idle: written(f.name, value, line, 'AWS default (connection idle timeout, 60 s)'),
        setting: 'connection-idle-timeout',
        file: f.name,
        line: service.line,
      },
    ];
  });
}

/** The ALBs of Ingresses the AWS Load Balancer Controller serves, with the Services they reach. */
function albIngresses(f: ParsedFile<KubernetesTree>, services: readonly K8sService[]): Front[] {
  return kubernetesIngresses(f).flatMap((ingress): Front[] => {
    if (!ingress.alb) return [];
    const { value, line } = ingress.alb.idle;
    return [
      {
        kind: 'alb',
        label: `${NAMES.alb} of Ingress ${ingress.name} (${f.name})`,
        idle: written(f.name, value, line, 'AWS default (ALB idle timeout, 60 s)'),
        setting: 'idle_timeout.timeout_seconds',
        file: f.name,
        line: ingress.line,
        services: servicesOf(ingress, services),
      },
    ];
  });
}

/**
 * Cloudflare's published IPv4 and IPv6 ranges, as `set_real_ip_from` lines copy them: enough
 * to know the site is proxied by Cloudflare.
 */
const CLOUDFLARE_RANGES = new Set([
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
  '2400:cb00::/32',
  '2606:4700::/32',
  '2803:f800::/32',
  '2405:b500::/32',
  '2405:8100::/32',
  '2a06:98c0::/29',
  '2c0f:f248::/32',
]);

/**
 * Cloudflare in front, as nginx's config shows it (`real_ip_header CF-Connecting-IP`, or
 * `set_real_ip_from` one of its ranges): it answers 524 when the origin sends no response
 * within its proxy read timeout, 100 s (Enterprise plans can raise it).
 */
function cloudflare(file: NginxFile): Front[] {
  const d = file
    .directives()
    .find(
      (x) =>
        (x.name === 'real_ip_header' && /^cf-connecting-ip$/i.test(x.args[0] ?? '')) ||
        (x.name === 'set_real_ip_from' && CLOUDFLARE_RANGES.has(x.args[0] ?? '')),
    );
  if (!d) return [];
  return [
    {
      kind: 'cloudflare',
      label: `Cloudflare (${d.name} ${d.args[0]}, ${file.name}:${d.line})`,
      idle: { value: '100', source: { default: 'Cloudflare proxy read timeout (100 s)' } },
      setting: 'proxy read timeout',
      file: file.name,
      line: d.line,
    },
  ];
}

/**
 * The Google Cloud load balancers of Ingresses GKE serves (class `gce`): they keep idle
 * connections to the pods 600 s, and wait the BackendConfig's `timeoutSec` (30 s by default)
 * for a response.
 */
function gkeIngresses(
  f: ParsedFile<KubernetesTree>,
  services: readonly K8sService[],
  configs: readonly { file: ParsedFile<KubernetesTree>; config: BackendConfig }[],
): Front[] {
  return kubernetesIngresses(f).flatMap((ingress): Front[] => {
    if (!isGkeClass(ingress.className)) return [];
    const mine = servicesOf(ingress, services);
    // The first Service's BackendConfig says how long the balancer waits (30 s when it or its
    // timeoutSec is missing); a pasted BackendConfig is where a change goes.
    const named = mine
      .map((s) => backendConfigName(s))
      .map((name) => configs.find((c) => c.config.name === name))
      .find((c) => c !== undefined);
    const timeout = named?.config.timeoutSec;
    const wait: EffectiveValue = timeout
      ? { value: timeout.value, source: { file: named.file.name, line: timeout.line } }
      : { value: '30', source: { default: 'GKE default (backend service timeout, 30 s)' } };
    return [
      {
        kind: 'gcp',
        label: `${NAMES.gcp} of Ingress ${ingress.name} (${f.name})`,
        idle: {
          value: '600',
          source: { default: 'Google Cloud load balancer keep-alive to backends (600 s, fixed)' },
        },
        setting: 'keep-alive timeout',
        wait: {
          value: wait,
          setting: 'timeoutSec',
          ...(named
            ? { set: (seconds: number) => setBackendTimeout(named.file, named.config, seconds) }
            : {}),
        },
        file: f.name,
        line: ingress.line,
        services: mine,
      },
    ];
  });
}

/** The Services an Ingress's rules and default backend name, in its namespace. */
function servicesOf(ingress: K8sIngress, services: readonly K8sService[]): K8sService[] {
  const names = new Set(ingress.backends.map((b) => b.service));
  return services.filter(
    (s) => names.has(s.name) && (s.namespace ?? null) === (ingress.namespace ?? null),
  );
}
