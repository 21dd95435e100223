/** What a lab scenario declares: its configs, its app server, its load, what must be seen. */
import type { Cause } from '../../../workers/engine/model.ts';
import type { LoadSpec } from '../load.ts';
import type { AppKind, Running } from './servers.ts';

/** Handles a scenario's `during` hook gets, to act on the servers while the load runs. */
export interface LabControl {
  app: () => Running;
  /** Stop the app server (signal, then SIGKILL after `graceMs`). */
  stopApp: (sig?: NodeJS.Signals, graceMs?: number) => Promise<void>;
  /** Start the app server again from the same config. */
  startApp: () => Promise<void>;
  /** Signal the app server's master only (e.g. SIGHUP for a graceful reload). */
  signalApp: (sig: NodeJS.Signals) => void;
  /** Run a command in the run directory (`supervisorctl stop …`), until it exits. */
  exec: (cmd: string, args: string[]) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
}

export interface Scenario {
  /** Directory name under tests/lab/scenarios/. */
  id: string;
  title: string;
  /** The `cause` (DESIGN.md) the CLI must rank first for this scenario's files and logs. */
  expectedCause: Cause;
  /**
   * A healthy setup under the same kind of load (a negative control): nothing may fail or
   * log `expectError`, and the CLI must not claim `expectedCause` or any error-level cause.
   */
  control?: boolean;
  /**
   * Failures strike requests at random (races, recycling), so a clean "after" is judged by
   * its odds at the "before" rate; otherwise the same requests fail every time.
   */
  random?: boolean;
  /** Part of `--quick` (deterministic and a few seconds long). */
  quick: boolean;
  /**
   * Config templates in the scenario directory, rendered into the run directory and passed
   * to the CLI under these names. `{{DIR}}`, `{{APP_DIR}}`, `{{NGINX_PORT}}`, `{{APP_PORT}}`,
   * `{{FRONT_PORT}}` and `{{WIRE_PORT}}` are replaced; the first file is nginx's.
   */
  files: string[];
  /**
   * A load balancer in front of nginx, played by HAProxy (Debian) from this config template
   * (rendered like `files`, not passed to the CLI: it stands for the balancer that one of
   * `files` declares). HAProxy reaches nginx through a wire with `wireDelayMs` of latency each
   * way (app/wire.mjs), as a balancer does across a network; the load goes to HAProxy.
   */
  front?: { config: string; wireDelayMs: number };
  app: {
    kind: AppKind;
    /** Which of `files` starts it (gunicorn/uWSGI/supervisord config, or the Node script). */
    config: string;
    /** The app server's own log, relative to the run directory, passed to the CLI. */
    log?: string;
  };
  load: LoadSpec;
  /** Statuses that count as failures (default 502 and 504). */
  failStatuses?: number[];
  /** nginx error-log text that proves the failure mode even below the 1% rate. */
  expectError?: RegExp;
  /** Acts on the servers while the load runs (restart, reload). */
  during?: (lab: LabControl) => Promise<void>;
  /**
   * When the right answer is advice, not a config edit: what the advice says, and how the
   * lab performs it in the "after" run instead of applying a patch.
   */
  advice?: { text: string; duringAfter: (lab: LabControl) => Promise<void> };
  /**
   * A fix written by hand that the lab has shown to work (`run.ts --reference-fix` applies it
   * instead of the CLI's patch): evidence for the rules, and a check on the scenario itself.
   * Each edit replaces the first occurrence of `find` in the rendered `file`.
   */
  referenceFix?: { file: string; find: string; replace: string }[];
}

export interface RenderVars {
  DIR: string;
  APP_DIR: string;
  NGINX_PORT: number;
  APP_PORT: number;
  /** Where the front (HAProxy) listens, and the wire that carries its traffic to nginx. */
  FRONT_PORT: number;
  WIRE_PORT: number;
}

/** Replace `{{NAME}}` placeholders; an unknown one is an error, not a silent blank. */
export function render(template: string, vars: RenderVars): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`unknown placeholder {{${name}}}`);
    return String(vars[name as keyof RenderVars]);
  });
}
