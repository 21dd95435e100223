/**
 * address-mismatch: nginx connects to an address the app server does not listen on.
 *
 * Two shapes: the target in nginx (upstream `server` or *_pass) and the app server's bind
 * differ (another port, another socket path, a socket on one side and TCP on the other), so
 * connect() fails with 111 (refused) or, for a unix socket, 2 (no such file); or nginx names
 * `localhost`, which resolves to ::1 as well as 127.0.0.1, while the app listens on IPv4 only:
 * every connection nginx tries to [::1] is refused (and retried on 127.0.0.1 when it can); or
 * the app binds 127.0.0.1 in its container while nginx reaches it by a container/Service name.
 */
import type { Edit, Evidence } from '../model.ts';
import type { Rule, RuleHit } from './types.ts';
import { parseUpstream } from '../logs/index.ts';
import {
  addressMismatches,
  mismatchEvents,
  targetAddress,
  type Mismatch,
} from './lib/connect-failures.ts';
import { replaceTarget } from './lib/target-edit.ts';
import { editableFile } from './lib/app-values.ts';
import { setGunicornSetting, type GunicornTree } from '../formats/gunicorn/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import { setContainerGunicornSetting, type KubernetesTree } from '../formats/kubernetes/index.ts';
import type { Topology } from '../topology/index.ts';
import type { NginxConfig } from '../formats/nginx/index.ts';

export const addressMismatch: Rule = {
  meta: {
    id: 'address-mismatch',
    cause: 'address-mismatch',
    severity: 'error',
    title: 'nginx connects where the app server does not listen',
    docs:
      'Compares every address nginx connects to (upstream servers, *_pass targets) with what ' +
      'the pasted app servers bind (gunicorn bind, uWSGI socket/http-socket, in pods too). A ' +
      'target no listener matches, while exactly one app server listens somewhere no route ' +
      'reaches, is a mismatch: connect() is refused (111) or the socket file is missing (2). ' +
      '`localhost` resolves to ::1 too; an app bound to 127.0.0.1 or 0.0.0.0 refuses those. ' +
      'An app bound to 127.0.0.1 that nginx reaches by a container or Service name refuses ' +
      'everyone outside its own container.',
    fixSafety:
      'Safe when there is exactly one candidate: the target is rewritten to the address the app ' +
      'listens on (127.0.0.1 for localhost), nothing else on the line changes. With several ' +
      'app servers or several unmatched targets no fix is offered. Binding gunicorn to 0.0.0.0 ' +
      'is safe in a pod (the pod network only) and opt-in elsewhere (it opens the port on the ' +
      "host's network).",
  },
  check({ topology, events }) {
    const config = topology.nginx;
    if (!config) return [];
    // A target known only from nginx's log is one nginx did reach when it logged anything past
    // connecting: that log contradicts a mismatch the pasted app config suggests.
    const reached = new Set(
      events
        .filter((e) => e.source === 'nginx-error' && e.phase && e.phase !== 'connecting')
        .map((e) => parseUpstream(e.upstream ?? '')?.address),
    );
    const contradicted = (m: ReturnType<typeof addressMismatches>[number]) =>
      m.route.pass.node.assumed !== undefined &&
      reached.has(parseUpstream(m.target.address)?.address);
    return addressMismatches(topology)
      .filter((m) => !contradicted(m))
      .map((m): RuleHit => {
        const explains = mismatchEvents(topology, m, events);
        const where = `${m.target.file}:${m.target.line}`;
        const bind =
          m.listener.line !== null ? `${m.listener.file}:${m.listener.line}` : m.listener.file;
        const evidence: Evidence[] = [
          {
            file: m.target.file,
            line: m.target.line,
            note: `nginx connects to ${targetAddress(m.target)}`,
          },
        ];
        if (m.listener.line !== null)
          evidence.push({
            file: m.listener.file,
            line: m.listener.line,
            note: `${m.backend.label} listens on ${m.listener.address}`,
          });
        for (const e of explains.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
        const failures = explains.length
          ? ` ${explains.length} connect() failure(s) in the log come from this.`
          : '';
        const target = `${m.route.label} connects to ${targetAddress(m.target)} (${where})`;
        const listens = `${m.backend.label} listens on ${m.listener.address} (${bind})`;
        const message =
          m.kind === 'localhost'
            ? `${target}; "localhost" resolves to ::1 as well as 127.0.0.1, but ${listens}, IPv4 ` +
              `only, so connections to [::1] are refused.${failures}`
            : m.kind === 'loopback-bind'
              ? `${target}, a container or service name, but ${listens}: only its own container ` +
                `(or host) can connect there, so nginx is refused.${failures}`
              : `${target}, but ${listens} and nothing else reaches it.${failures}`;
        return {
          key: `address-mismatch ${m.route.location.file} ${m.route.label} ${m.kind}`,
          message,
          evidence,
          compared: [
            {
              hop: 'nginx',
              setting: m.route.upstream ? 'upstream server' : m.route.pass.directive,
              value: targetAddress(m.target),
              source: where,
            },
            {
              hop: m.backend.label,
              setting: 'listens on',
              value: m.listener.address,
              source: bind,
            },
          ],
          explains,
          fix: m.kind === 'loopback-bind' ? bindFix(topology, m) : targetFix(config, m),
        };
      });
  },
};

function targetFix(config: NginxConfig, m: Mismatch): NonNullable<RuleHit['fix']> {
  const edits = replaceTarget(config, m.target, m.replacement);
  if (edits.length === 0)
    return { safety: 'manual', description: `Make nginx connect to ${m.replacement}.`, edits: [] };
  return {
    safety: 'safe',
    description:
      `Point nginx at ${m.replacement}, where the app listens` +
      (m.kind === 'localhost'
        ? ' (an IPv4 address, so nginx no longer tries ::1 first).'
        : '. If the app is meant to move instead, change its bind and leave nginx alone.'),
    edits,
  };
}

/**
 * gunicorn's bind set to the replacement: in the pasted file that sets it (or its config file),
 * else on the command line of the Kubernetes container that runs it.
 */
function bindEdits(topology: Topology, m: Mismatch): Edit[] {
  const b = m.backend;
  if (b.kind !== 'gunicorn') return [];
  const file = editableFile(topology, b, 'bind');
  if (file) return setGunicornSetting(file as ParsedFile<GunicornTree>, 'bind', m.replacement);
  const manifest = b.pod ? topology.files.find((f) => f.name === b.files[0]) : undefined;
  if (!b.pod || manifest?.kind !== 'kubernetes') return [];
  return setContainerGunicornSetting(
    manifest as ParsedFile<KubernetesTree>,
    { workload: b.pod.workload.name, container: b.pod.container.name },
    'bind',
    m.replacement,
  );
}

/** The app listens on loopback: make gunicorn bind all interfaces of its container. */
function bindFix(topology: Topology, m: Mismatch): NonNullable<RuleHit['fix']> {
  const edits = bindEdits(topology, m);
  if (edits.length === 0)
    return {
      safety: 'manual',
      description: `Make ${m.backend.label} listen on ${m.replacement} (all interfaces of its container).`,
      edits: [],
    };
  // In a pod, all interfaces are the pod's own; on a plain host, 0.0.0.0 also opens the port
  // to the network, which the user must decide (firewall) — opt-in there.
  return {
    safety: m.backend.pod ? 'safe' : 'unsafe',
    description:
      `Bind ${m.backend.label} to ${m.replacement} so other containers (nginx) can reach it.` +
      (m.backend.pod
        ? ' Inside a pod this only exposes the port to the pod network.'
        : ' On a host (not a container) this also opens the port to the network: firewall it.'),
    edits,
  };
}
