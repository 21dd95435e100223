/**
 * Who may connect to an app server's unix socket, as its own settings say: uWSGI
 * (`chmod-socket`, `chown-socket`, the uid it drops to), gunicorn (`umask`), php-fpm
 * (`listen.owner`, `listen.group`, `listen.mode`, ACLs). Each reader tells whether the mode lets
 * nginx's user write to the socket (then a directory or SELinux is to blame) and, if not, the
 * change that would: the permission-denied rule's readings of a refused unix socket.
 */
import type { ComparedValue, Edit, Evidence } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import { setUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import {
  phpFpmPools,
  phpFpmSettings,
  setPhpFpmSetting,
  type PhpFpmTree,
} from '../../formats/php-fpm/index.ts';
import type { EffectiveSettings } from '../../formats/gunicorn/index.ts';
import { parseEndpoint, type Backend, type Listener, type Topology } from '../../topology/index.ts';
import type { RuleFix } from '../types.ts';
import { editableFile, sourceOf, writtenAt } from './app-values.ts';

/** nginx's `user` (and group) from its main config, with the line that says so. */
export interface NginxUser {
  user: string;
  group: string;
  at: Evidence;
}

export const PATH_TITLE =
  'nginx may write to the socket but not reach it (a directory, or SELinux)';

/** What the pasted lines and settings say about one address nginx was refused. */
export interface Reading {
  /** Which permission: part of the key, so a fixed mode that leaves the path to blame is new. */
  kind: 'mode' | 'path' | 'selinux' | 'unknown';
  /** When it is not the rule's own ("nginx is not allowed to connect to the app server"). */
  title?: string;
  why: string;
  fix: RuleFix;
  evidence: Evidence[];
  compared: ComparedValue[];
}

export function manualSocket(path: string): RuleFix {
  return {
    safety: 'manual',
    description:
      `Run \`namei -l ${path}\` as root to see the owner and mode of the socket and of every ` +
      "directory above it. nginx's user needs write (w) on the socket and search (x) on each " +
      'directory: keep the socket in its own directory under /run (systemd RuntimeDirectory=), ' +
      "owned by the app's user with nginx's group, not in a home directory.",
    edits: [],
  };
}

export interface Found {
  backend: Backend;
  listener: Listener;
}

export function uwsgiSocket(
  topology: Topology,
  { backend, listener }: Found,
  path: string,
  user: NginxUser | null,
): Reading {
  const chmod = backend.settings['chmod-socket'];
  // A bare `chmod-socket` (no value) means 666.
  const mode = chmod ? (chmod.value === null || chmod.value === '' ? '666' : chmod.value) : null;
  const owner = backend.settings['chown-socket']?.value ?? null;
  const listens = listener.line !== null ? `${listener.file}:${listener.line}` : listener.file;
  const evidence: Evidence[] = [];
  if (listener.line !== null)
    evidence.push({ file: listener.file, line: listener.line, note: `${backend.label} socket` });
  const compared: ComparedValue[] = [
    { hop: backend.label, setting: 'socket', value: path, source: listens },
    {
      hop: backend.label,
      setting: 'chmod-socket',
      value: mode ?? 'not set (umask: usually 755)',
      source: chmod ? sourceOf(chmod.source) : 'uWSGI default',
    },
  ];
  if (user)
    compared.push({
      hop: 'nginx',
      setting: 'user',
      value: user.user,
      source: `${user.at.file}:${user.at.line}`,
    });
  if (mode !== null && grantsNginx(mode, owner, user))
    return {
      kind: 'path',
      title: PATH_TITLE,
      why:
        `${backend.label} lets nginx write to the socket (chmod-socket = ${mode}` +
        `${owner ? `, chown-socket = ${owner}` : ''}), so the mode is not it: a directory ` +
        "above it that nginx's user may not search is, or SELinux.",
      evidence,
      compared,
      fix: manualSocket(path),
    };
  // The mode is to blame: cite where it is set (or left unset) and who nginx runs as.
  const chmodAt = chmod ? writtenAt(chmod.source) : null;
  if (chmodAt) evidence.push({ ...chmodAt, note: `chmod-socket ${mode}` });
  if (user) evidence.push(user.at);
  const why =
    mode === null
      ? `${backend.label} creates ${path} without chmod-socket, so with the usual umask only ` +
        'its own user may write to it, and connecting to a socket needs write permission.'
      : `${backend.label} creates ${path} with chmod-socket = ${mode}: nginx's user may connect ` +
        "only as the socket's owner or group, and it is neither.";
  return { kind: 'mode', why, evidence, compared, fix: uwsgiFix(topology, backend, user) };
}

/** Whether a socket of this mode and owner lets nginx's user write: other-write, or its group. */
function grantsNginx(mode: string, owner: string | null, user: NginxUser | null): boolean {
  if (!/^[0-7]{3,4}$/.test(mode)) return false;
  const bits = parseInt(mode, 8);
  if ((bits & 0o002) !== 0) return true;
  const group = owner?.split(':')[1];
  return (bits & 0o020) !== 0 && user !== null && group === user.group;
}

/**
 * `chmod-socket = 660` with `chown-socket` to nginx's group when uWSGI starts as root and drops
 * to `uid` (only then may it hand the socket to another group); else 666, opt-in.
 */
function uwsgiFix(topology: Topology, backend: Backend, user: NginxUser | null): RuleFix {
  const file = editableFile(topology, backend, 'chmod-socket') as ParsedFile<UwsgiTree> | null;
  const uid = backend.settings.uid?.value;
  if (file && user && uid) {
    const edits: Edit[] = [
      ...setUwsgiOption(file, 'chmod-socket', '660'),
      ...setUwsgiOption(file, 'chown-socket', `${uid}:${user.group}`),
    ];
    if (edits.length === 2)
      return {
        safety: 'safe',
        description:
          `Give the socket nginx's group and let the group write to it: chown-socket = ` +
          `${uid}:${user.group}, chmod-socket = 660. uWSGI starts as root and drops to uid ` +
          `${uid}, so it may hand the socket to ${user.group}; nobody else gains access.`,
        edits,
      };
  }
  const edits = file ? setUwsgiOption(file, 'chmod-socket', '666') : [];
  const narrower = user
    ? `chown-socket = <uWSGI's user>:${user.group} with chmod-socket = 660`
    : "chown-socket = <uWSGI's user>:<nginx's group> with chmod-socket = 660";
  return {
    safety: edits.length > 0 ? 'unsafe' : 'manual',
    description:
      'Let nginx write to the socket: chmod-socket = 666. Unsafe: every local user may then ' +
      `send requests to the app. Narrower, and what to prefer: ${narrower} (uWSGI must start ` +
      `as root and drop privileges with uid/gid to hand the socket to that group${
        user ? '' : "; nginx's user is set by its `user` directive, not pasted here"
      }).`,
    edits,
  };
}

export function gunicornSocket({ backend, listener }: Found, path: string): Reading {
  const umask = backend.settings.umask;
  const bits = parseUmask(umask?.value ?? '0');
  // gunicorn reads it as a number ("7" for 0o007): shown as the octal mask it is.
  const value = bits === null ? (umask?.value ?? '0') : `0o${bits.toString(8).padStart(3, '0')}`;
  const evidence: Evidence[] = [];
  if (listener.line !== null)
    evidence.push({ file: listener.file, line: listener.line, note: `${backend.label} socket` });
  const umaskAt = umask ? writtenAt(umask.source) : null;
  if (umaskAt) evidence.push({ ...umaskAt, note: `umask ${value}` });
  const compared: ComparedValue[] = [
    {
      hop: backend.label,
      setting: 'umask',
      value,
      source: umask ? sourceOf(umask.source) : 'gunicorn default',
    },
  ];
  if (bits !== null && (bits & 0o002) !== 0)
    return {
      kind: 'mode',
      why:
        `${backend.label} creates ${path} with umask ${value}, so only its own user and group ` +
        "may write to it, and nginx's user is neither.",
      evidence,
      compared,
      fix: {
        safety: 'manual',
        description:
          "Add nginx's user to the socket's group (usermod -aG <gunicorn's group> www-data, then " +
          "restart nginx) and keep the umask: loosening gunicorn's umask would also loosen every " +
          'file the app writes.',
        edits: [],
      },
    };
  return {
    kind: 'path',
    title: PATH_TITLE,
    why:
      `${backend.label} leaves the socket writable by everyone (umask ${value}), so the mode is ` +
      `not it: a directory above ${path} that nginx's user may not search is (a home directory ` +
      'with mode 750 or 700 is the usual one), or SELinux.',
    evidence,
    compared,
    fix: manualSocket(path),
  };
}

/** gunicorn reads its umask as an integer, octal with a 0 or 0o prefix ("0o007", "007", "0"). */
function parseUmask(text: string): number | null {
  const t = text.trim().replace(/^["']|["']$/g, '');
  if (/^0o[0-7]+$/i.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[0-7]*$/.test(t)) return parseInt(t, 8);
  if (/^\d+$/.test(t)) return Number(t);
  return null;
}

export interface FpmPool {
  file: ParsedFile<PhpFpmTree>;
  pool: string;
  settings: EffectiveSettings;
}

/** The php-fpm pool whose `listen` is this socket. */
export function fpmPoolAt(topology: Topology, path: string): FpmPool | null {
  for (const file of topology.files)
    if (file.kind === 'php-fpm')
      for (const pool of phpFpmPools(file as ParsedFile<PhpFpmTree>)) {
        const settings = phpFpmSettings(file as ParsedFile<PhpFpmTree>, pool);
        const listen = parseEndpoint(settings.listen?.value?.trim() ?? '');
        if (listen?.type === 'unix' && listen.path === path)
          return { file: file as ParsedFile<PhpFpmTree>, pool, settings };
      }
  return null;
}

/**
 * php-fpm creates its socket as listen.owner:listen.group (default: the pool's user and group)
 * with listen.mode (default 0660), unless listen.acl_users/acl_groups set POSIX ACLs instead.
 */
export function fpmSocket(
  { file, pool, settings }: FpmPool,
  path: string,
  user: NginxUser | null,
): Reading {
  const value = (k: string) => settings[k]?.value ?? null;
  const owner = value('listen.owner') ?? value('user');
  const group = value('listen.group') ?? value('group') ?? owner;
  const mode = value('listen.mode') ?? '0660';
  const label = `php-fpm pool ${pool} (${file.name})`;
  const cite = (keys: string[]): Evidence[] =>
    keys.flatMap((k) => {
      const at = settings[k] ? writtenAt(settings[k].source) : null;
      return at ? [{ ...at, note: `${k} ${settings[k]!.value}` }] : [];
    });
  // The path reading cites the socket alone: after a fix of the mode, the lines it wrote are
  // not what a remaining denial rests on.
  const socketOnly = cite(['listen']);
  const evidence = [
    ...cite(['listen', 'listen.owner', 'listen.group', 'listen.mode']),
    ...(user ? [user.at] : []),
  ];
  const compared: ComparedValue[] = [
    { hop: label, setting: 'listen.owner', value: owner ?? '(pool user)', source: file.name },
    { hop: label, setting: 'listen.group', value: group ?? '(pool group)', source: file.name },
    { hop: label, setting: 'listen.mode', value: mode, source: file.name },
  ];
  const acl = value('listen.acl_users') ?? value('listen.acl_groups');
  const bits = /^[0-7]{3,4}$/.test(mode) ? parseInt(mode, 8) : null;
  const open =
    bits !== null &&
    ((bits & 0o002) !== 0 ||
      (user !== null &&
        (((bits & 0o200) !== 0 && owner === user.user) ||
          ((bits & 0o020) !== 0 && group === user.group))));
  if (open && !acl)
    return {
      kind: 'path',
      title: PATH_TITLE,
      why:
        `${label} gives nginx's user write access to ${path} (listen.owner ${owner}, ` +
        `listen.group ${group}, listen.mode ${mode}), so the mode is not it: a directory above ` +
        "it that nginx's user may not search is, or SELinux.",
      evidence: socketOnly,
      compared,
      fix: manualSocket(path),
    };
  const why =
    `${label} creates ${path} as ${owner ?? 'its pool user'}:${group ?? 'its group'} with mode ` +
    `${mode}${acl ? ` and ACLs (listen.acl_users/acl_groups: ${acl}), which replace owner and group` : ''}` +
    `, and nginx${user ? ` (${user.user})` : "'s user"} is neither.`;
  const fix: RuleFix =
    !user || acl
      ? {
          safety: 'manual',
          description:
            "Set listen.owner and listen.group in the pool to nginx's user and group (www-data on " +
            'Debian and Ubuntu, nginx on RHEL), keep listen.mode = 0660, and restart php-fpm' +
            (acl ? '; or add that user to listen.acl_users.' : '.'),
          edits: [],
        }
      : {
          safety: 'safe',
          description:
            `Hand the socket to nginx: listen.owner = ${user.user}, listen.group = ${user.group}` +
            " with listen.mode = 0660 (php-fpm's master starts as root and creates the socket " +
            "that way, as Debian's own pool file does). Only nginx and root may then connect.",
          edits: [
            ...setPhpFpmSetting(file, 'listen.owner', user.user, pool),
            ...setPhpFpmSetting(file, 'listen.group', user.group, pool),
            ...(bits === null || (bits & 0o060) !== 0o060
              ? setPhpFpmSetting(file, 'listen.mode', '0660', pool)
              : []),
          ],
        };
  return { kind: 'mode', why, evidence, compared, fix };
}
