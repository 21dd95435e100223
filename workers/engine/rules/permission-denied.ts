/**
 * permission-denied: nginx may not connect to its upstream — connect() failed (13: Permission
 * denied). The request never reaches the app; the client gets 502. Which permission:
 *
 * - A unix socket whose mode shuts nginx out. Connecting needs write permission on the socket
 *   file. uWSGI creates it with the process umask (usually 0755: srwxr-xr-x) unless
 *   `chmod-socket` says otherwise, so nginx, another user, may not write to it. gunicorn applies
 *   its own `umask` (default 0: srwxrwxrwx); a non-zero one such as 0o007 leaves only its group.
 *   php-fpm gives it listen.owner:listen.group (default the pool's user) and listen.mode 0660.
 * - A socket whose mode is open: a directory on its path that nginx's user may not search (a
 *   socket in a home directory with mode 750), or SELinux.
 * - A TCP address: on a system with SELinux enforcing, nginx (httpd_t) may connect only to
 *   web ports unless the boolean httpd_can_network_connect is on. AVC lines for nginx pasted
 *   from the audit log confirm it.
 */
import type { LogEvent } from '../model.ts';
import { parseEndpoint, type Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { failureGroups, type FailureGroup } from './lib/connect-failures.ts';
import { eventEvidence } from './lib/route-events.ts';
import {
  fpmPoolAt,
  fpmSocket,
  gunicornSocket,
  manualSocket,
  uwsgiSocket,
  type Found,
  type NginxUser,
  type Reading,
} from './lib/socket-owners.ts';

export const permissionDenied: Rule = {
  meta: {
    id: 'permission-denied',
    cause: 'permission-denied',
    severity: 'error',
    title: 'nginx is not allowed to connect to the app server',
    docs:
      'connect() failed with 13 (Permission denied). On a unix socket: the socket mode shuts ' +
      "nginx's user out (uWSGI without `chmod-socket` creates it 0755; gunicorn applies its " +
      '`umask`), or a directory on its path may not be searched by that user, or SELinux ' +
      'denies it. On a TCP address: SELinux lets nginx connect only to web ports unless ' +
      'httpd_can_network_connect is on. The finding says which, from the socket settings, ' +
      "nginx's `user` and the audit log's AVC lines when pasted.",
    fixSafety:
      'Safe when uWSGI drops privileges (`uid`) and nginx names its user: `chmod-socket = 660` ' +
      "with `chown-socket` giving the socket nginx's group lets nginx in and no one else. " +
      'Unsafe (opt-in) otherwise: `chmod-socket = 666` lets every local user send requests to the ' +
      "app. php-fpm: listen.owner and listen.group set to nginx's user and group (mode 0660) is " +
      "safe when nginx names its user. Manual for gunicorn's `umask` (it also governs every file " +
      'the app writes), for ' +
      'directories and for SELinux (a boolean or a label is set on the host, not in a file here).',
  },
  check({ topology, events }) {
    return failureGroups(topology, events, ['permission-denied']).map((group) =>
      hitFor(topology, group, events),
    );
  },
};

function hitFor(topology: Topology, group: FailureGroup, events: readonly LogEvent[]): RuleHit {
  const endpoint = parseEndpoint(group.address);
  const denials = selinuxDenials(events);
  const reading =
    denials.length > 0
      ? selinux(group, denials)
      : endpoint?.type === 'unix'
        ? socket(topology, endpoint.path)
        : selinux(group, []);
  return {
    key: `permission-denied ${group.address} ${reading.kind}`,
    ...(reading.title ? { title: reading.title } : {}),
    message:
      `${group.events.length} connection(s) to ${group.address} failed with ` +
      `"13: Permission denied": nginx never reached the app. ${reading.why}`,
    evidence: [
      ...reading.evidence,
      ...eventEvidence(group.events, 3),
      ...eventEvidence(denials, 3, 'SELinux denied nginx this access'),
    ],
    compared: reading.compared,
    explains: [...group.events, ...denials],
    fix: reading.fix,
  };
}

/** nginx's own SELinux denials (comm nginx, or the httpd_t domain). */
function selinuxDenials(events: readonly LogEvent[]): LogEvent[] {
  return events.filter(
    (e) =>
      e.source === 'selinux' &&
      e.kind === 'avc-denied' &&
      (e.fields?.comm === 'nginx' || e.fields?.sourceType === 'httpd_t'),
  );
}

function selinux(group: FailureGroup, denials: readonly LogEvent[]): Reading {
  const tcp = parseEndpoint(group.address)?.type === 'tcp';
  const seen =
    denials.length > 0
      ? `The audit log shows SELinux refusing nginx ${denials.length} time(s) (${[
          ...new Set(
            denials.map(
              (d) => `${d.fields?.permission}${d.fields?.port ? ` to port ${d.fields.port}` : ''}`,
            ),
          ),
        ].join(', ')}).`
      : 'On a TCP address the usual reason is SELinux: nginx (httpd_t) may connect only to ' +
        'ports labelled for web servers.';
  return {
    kind: 'selinux',
    title: 'SELinux does not let nginx connect to the app server',
    why: seen,
    evidence: [],
    compared: [],
    fix: {
      safety: 'manual',
      description: tcp
        ? 'On the host, let nginx make network connections: setsebool -P httpd_can_network_connect 1 ' +
          '(or label the port: semanage port -a -t http_port_t -p tcp <port>). Check with ' +
          'getenforce and the audit log (ausearch -m avc -c nginx) that SELinux is what said no.'
        : 'Give the socket a label nginx may write to: keep it under /run/<app>/ and label that ' +
          'directory httpd_var_run_t (semanage fcontext -a -t httpd_var_run_t "/run/<app>(/.*)?" ' +
          'then restorecon -Rv /run/<app>), or build a local policy from the denials ' +
          '(ausearch -m avc -c nginx | audit2allow -M nginx_socket).',
      edits: [],
    },
  };
}

/** A unix socket: the app server that listens there, its socket mode, nginx's user. */
function socket(topology: Topology, path: string): Reading {
  const found = listenerAt(topology, path);
  const user = nginxUser(topology);
  if (found?.backend.kind === 'uwsgi') return uwsgiSocket(topology, found, path, user);
  if (found?.backend.kind === 'gunicorn') return gunicornSocket(found, path);
  const pool = fpmPoolAt(topology, path);
  if (pool) return fpmSocket(pool, path, user);
  return {
    kind: 'unknown',
    why:
      `No pasted app-server config creates ${path}, so which permission is missing is not ` +
      "known: the socket file must be writable by nginx's user, and every directory above it " +
      'searchable (x) by it.',
    evidence: [],
    compared: [],
    fix: manualSocket(path),
  };
}

function listenerAt(topology: Topology, path: string): Found | null {
  for (const backend of topology.backends)
    for (const listener of backend.listeners)
      if (listener.endpoint.type === 'unix' && listener.endpoint.path === path)
        return { backend, listener };
  return null;
}

/** nginx's `user` directive (user and group), when a main config was pasted. */
function nginxUser(topology: Topology): NginxUser | null {
  const node = topology.nginx?.top.find((n) => n.name === 'user' && n.context === 'main');
  if (!node || node.args.length === 0) return null;
  const [user, group] = node.args as [string, string | undefined];
  return {
    user,
    // nginx: "If group is omitted, a group whose name equals that of user is used."
    group: group ?? user,
    at: { file: node.file, line: node.line, note: `nginx runs as ${user}` },
  };
}
