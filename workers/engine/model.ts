/**
 * The shared types of the engine and its contract with the page, the CLI and embeds.
 * `Report` is schema version 1 (see DESIGN.md): fields may be added, never repurposed.
 * This file holds types (and one constant), so the page can import it without pulling in
 * the engine.
 */

/** Log files larger than this are streamed to the engine as Blobs rather than read whole. */
export const STREAM_THRESHOLD_BYTES = 8 * 1024 * 1024;

/** What a pasted or uploaded file is. `log` covers every log format (decoded line by line). */
export type FileKind =
  | 'nginx'
  | 'gunicorn'
  | 'uwsgi'
  | 'kubernetes'
  | 'node'
  | 'php-fpm'
  | 'puma'
  | 'uvicorn'
  | 'hypercorn'
  /** Apache httpd as an app server behind nginx. */
  | 'apache'
  /** Terraform (HCL): the load balancers in front of nginx. */
  | 'terraform'
  /** AWS CloudFormation (YAML or JSON): the load balancers in front of nginx. */
  | 'cloudformation'
  | 'dotenv'
  | 'log'
  | 'unknown'
  /** A paste or file holding several inputs: `FileReport.segments` says what and where. */
  | 'mixed';

/**
 * What a segment of a paste is: a kind the engine reads, `prose` (sentences around the inputs,
 * set aside, never parsed) or `version` (`nginx -v` output, `Server:` headers).
 */
export type SegmentKind = Exclude<FileKind, 'mixed'> | 'prose' | 'version';

/** An input as the user gave it. `kind` is set only when the user overrode detection. */
export interface SourceFile {
  name: string;
  text: string;
  kind?: FileKind;
  /**
   * Kinds the user chose for segments of this text, by the segment's first line (1-based), as
   * `FileReport.segments` reported them. `prose` sets a segment aside.
   */
  segmentKinds?: { from: number; kind: SegmentKind }[];
}

/** Suffix of an `enabledFixes` entry that picks a finding's alternative over its fix. */
export const ALTERNATIVE = ' (alternative)';

export interface AnalyzeOptions {
  /** The nginx version to assume, e.g. "1.22.1". Otherwise taken from the inputs, else a default. */
  nginxVersion?: string;
  /** Apply fixes whose safety is `unsafe` too (they are always reported). */
  unsafe?: boolean;
  /** Fixes the user switched off: rule ids (every finding of the rule) or finding keys. */
  disabledFixes?: string[];
  /**
   * Fixes the user switched on one by one: finding keys (or rule ids) — unsafe fixes, and a
   * risk's safe fix left out of the default — and `<key>` + ALTERNATIVE for the alternative
   * offered instead of a finding's fix (`fix.alternative`).
   */
  enabledFixes?: string[];
  /**
   * Quote evidence and build `fixed`/`patch` from the raw inputs instead of the redacted ones.
   * Only for the user's explicit request (the CLI on their own machine, "download raw").
   */
  raw?: boolean;
}

/** A located problem in an input: 1-based line. */
export interface FileError {
  line: number;
  message: string;
}

export interface FileReport {
  name: string;
  kind: FileKind;
  /** 0..1: how sure detection is of `kind` (1 when the user chose it). */
  confidence: number;
  errors: FileError[];
  /** For logs streamed rather than read whole: how much was read (events are then a sample). */
  stats?: { lines: number; events: number; sampled: boolean };
  /**
   * A paste or file holding several inputs (kind `mixed`): each segment, analysed as if it were
   * its own file named `name`. Lines are the paste's (1-based, inclusive); so are the lines of
   * every event, evidence and error that points at this file.
   */
  segments?: SegmentReport[];
}

export interface SegmentReport {
  name: string;
  kind: SegmentKind;
  from: number;
  to: number;
  /** 0..1: how sure the split is of `kind` (1 when the user chose it). */
  confidence: number;
  /** Parse errors of this segment (lines of the paste). */
  errors: FileError[];
  /** Lines quoted from another input pasted whole (its name): not analysed a second time. */
  sameAs?: string;
}

export type EventSource =
  | 'nginx-error'
  | 'nginx-access'
  | 'gunicorn'
  | 'uwsgi'
  | 'kernel'
  | 'kubernetes'
  | 'php-fpm'
  | 'node'
  | 'selinux'
  | 'uvicorn'
  /** An AWS Application or Classic Load Balancer's access log, in front of nginx. */
  | 'aws-lb'
  /** systemd, supervisord or docker compose stopping the app server (logs/process-manager.ts). */
  | 'process-manager';

export type NginxErrorKind =
  | 'premature-close'
  | 'upstream-timeout'
  | 'connect-refused'
  | 'socket-missing'
  | 'connect-eagain'
  | 'address-unavailable'
  | 'no-live-upstreams'
  | 'connection-reset'
  | 'broken-pipe'
  | 'header-too-big'
  | 'body-too-large'
  | 'invalid-header'
  | 'server-disabled'
  | 'ssl-error'
  | 'other';

export type Phase =
  | 'connecting'
  | 'ssl-handshake'
  | 'sending-request'
  | 'reading-response-header'
  | 'reading-upstream'
  | 'sending-to-client';

/** One decoded log line. Only what the line really says is filled in. */
export interface LogEvent {
  file: string;
  /** 1-based line in `file`. */
  line: number;
  source: EventSource;
  /** One of the kinds listed in DESIGN.md for `source` (e.g. NginxErrorKind for nginx-error). */
  kind: string;
  phase?: Phase;
  /** ISO 8601 when the line has a wall-clock time; zone-less times are kept without a zone. */
  time?: string;
  method?: string;
  path?: string;
  /** As nginx wrote it: `http://127.0.0.1:8000/x`, `unix:/run/app.sock`, … */
  upstream?: string;
  status?: number;
  /** Other decoded fields (pid, client, server, host, errno, worker pid, signal, …). */
  fields?: Record<string, string | number>;
}

export type Severity = 'error' | 'warning' | 'info';
export type FixSafety = 'safe' | 'unsafe' | 'manual';

export type Cause =
  | 'keepalive-race'
  | 'keepalive-inert'
  | 'app-timeout'
  | 'proxy-timeout'
  | 'worker-recycle'
  | 'oom-kill'
  | 'crash'
  | 'body-limit'
  | 'header-size'
  | 'protocol-mismatch'
  | 'deploy-termination'
  | 'backend-down'
  | 'address-mismatch'
  | 'backlog-full'
  | 'upgrade-header'
  | 'retry-policy'
  /** nginx may not connect: a socket's mode or directory, or SELinux (13: Permission denied). */
  | 'permission-denied'
  /** The hop in front (an AWS load balancer) gives up on slow requests before nginx does. */
  | 'edge-timeout'
  /** No rule explains these logged failures: the fallback finding with the kind's checklist. */
  | 'unexplained';

export interface Evidence {
  file: string;
  line: number;
  /** The line's text (redacted), so the page can quote it without holding the file. */
  text?: string;
  /** Why this line matters, e.g. "proxy_read_timeout 60s (effective for /api)". */
  note?: string;
}

/** A value compared across hops, with where it came from ("app.conf:12" or "nginx 1.22 default"). */
export interface ComparedValue {
  hop: string;
  setting: string;
  value: string;
  source: string;
}

export interface Finding {
  rule: string;
  /** Identifies this finding across re-analyses (for per-fix toggles); stable when lines move. */
  key?: string;
  cause: Cause;
  /** The rule's severity; never `error` for a risk when the paste holds failures. */
  severity: Severity;
  /** cause: explains pasted failures; risk: true of the configs, not seen in the logs. */
  role: 'cause' | 'risk';
  /** How many pasted failure events it accounts for (0 for a risk), its `places` included. */
  explains: number;
  title: string;
  message: string;
  evidence: Evidence[];
  compared?: ComparedValue[];
  fix: null | {
    safety: FixSafety;
    /** What the change does and what it costs. */
    description: string;
    /** Whether the fix's edits are in `Report.fixed` (unsafe ones only with `unsafe`). */
    applied: boolean;
    /**
     * Where the applied change (the fix or the alternative) lies in `Report.fixed`: the file
     * and its 1-based lines in the fixed text, so a reader can go from the finding to its hunk.
     */
    changes?: { file: string; line: number; endLine: number }[];
    /**
     * The applied change as text edits on that file's text before the fixes (UTF-16
     * offsets; redacted text, or the raw text when the report is raw): for tools that apply
     * or display fixes themselves (SARIF `fixes`).
     */
    edits?: Edit[];
    /**
     * Applied unless switched off (`disabledFixes`); otherwise only when switched on
     * (`enabledFixes`): unsafe fixes, and a risk's safe fix when the paste holds failures.
     */
    byDefault: boolean;
    /**
     * A stronger change offered instead (unsafe, opt-in): e.g. raise the app's limit, where the
     * default safe fix lowers nginx's wait under it. Applied instead of the fix when opted in.
     */
    alternative?: { safety: FixSafety; description: string; applied: boolean };
    /** For a cause whose only change is unsafe or by hand: the rule's note on why no safe one exists. */
    noSafeChange?: string;
  };
  /** 0..1, how well the pasted evidence supports this cause (the order of `findings`). */
  confidence?: number;
  /**
   * The same finding in more places (same rule and standing, so the same fix state): each with
   * what tells it apart. Its fix is applied, switched and counted with this one's.
   */
  places?: Place[];
}

/** One more place of a finding: its own key, words, lines and change; the rest is the finding's. */
export interface Place {
  key?: string;
  /** Only when it differs from the finding's. */
  title?: string;
  message: string;
  /** Its lines, without `text` (the lines are in `sources`). */
  evidence: Evidence[];
  /** Only when they differ from the finding's. */
  compared?: ComparedValue[];
  /** Pasted failure events this place accounts for, when any. */
  explains?: number;
  /** Where the applied change lies here (as `Finding.fix`), and its words if they differ. */
  fix?: {
    description?: string;
    changes?: { file: string; line: number; endLine: number }[];
    edits?: Edit[];
  };
}

/** A text edit on one file: replace [start, end) (UTF-16 offsets) with `text`. */
export interface Edit {
  file: string;
  start: number;
  end: number;
  text: string;
}

export interface Redaction {
  file: string;
  line: number;
  kind: string;
}

/**
 * Log events grouped by upstream: what failed, where in the request, how often, since when,
 * and what the app server, kernel or orchestrator logged just before.
 * Failures are nginx error-log events of an upstream failure kind, and access-log responses
 * 502/503/504. When both logs are pasted, `count` is the error-log count (the same requests
 * appear in both); access-only incidents count responses.
 */
export interface Incident {
  /** The upstream as nginx names it, or null when the lines do not say. */
  upstream: string | null;
  /** The server address the incident is grouped by: `127.0.0.1:8000`, `unix:/run/app.sock`. */
  address?: string | null;
  count: number;
  /** event kind -> count (error-log failures) */
  kinds: Record<string, number>;
  /** phase -> count */
  phases: Record<string, number>;
  /** access-log status -> count (502/503/504 responses) */
  statuses?: Record<string, number>;
  /** Most frequent first; the path without its query string. */
  routes: { method?: string; path: string; count: number }[];
  /** Time of the earliest and latest timed failure, as the log wrote it. */
  first?: string;
  last?: string;
  /** Events from other sources shortly before these failures ("gunicorn WORKER TIMEOUT 1 s before"). */
  related: { event: LogEvent; secondsBefore: number }[];
  /** How many related events there were before the list was capped. */
  relatedTotal?: number;
  /** Other-source events with no usable time (kubectl rows, dmesg uptime): can't be placed. */
  untimed?: LogEvent[];
  /** Counts per time bucket and kind, for the small timeline plot. */
  timeline: { start: string; counts: Record<string, number> }[];
  /** The same in plain words (filled in by the report stage). */
  summary?: IncidentSummary;
  /** Width of each timeline bucket. */
  bucketSeconds?: number;
}

/** An incident in plain words, for the page's summary and the CLI's text output. */
export interface IncidentSummary {
  /** "Upstream closed the connection early: 12 times on http://127.0.0.1:8000" */
  headline: string;
  /** "while waiting for the response header (10), while reading the response body (2)" */
  where: string | null;
  /** "from 2024-01-02T03:04:05 to 2024-01-02T03:10:00", or a single time, or null. */
  when: string | null;
  /** "POST /api/orders (10)", most frequent first, at most three. */
  routes: string[];
  /** "gunicorn killed a worker for timeout, 1 s before" (closest first, at most five). */
  before: string[];
}

export interface Report {
  schema: 1;
  nginxVersion: string | null;
  /** Where the version came from: "input" (pasted -v/-T/Server:), "user", or "assumed". */
  nginxVersionSource?: 'input' | 'user' | 'assumed';
  files: FileReport[];
  events: LogEvent[];
  /** Log lines that were not recognised as any known log format (1-based lines per file). */
  unrecognised?: { file: string; lines: number[] }[];
  incidents?: Incident[];
  findings: Finding[];
  /** Every timer on the path of each location with failures, and which one they ended at. */
  timers?: TimerLadder[];
  /**
   * Files changed by the applied fixes: redacted text after and before the fixes. Each text is
   * in the report once: `original` is left out when it is the `sources` entry of the same name
   * (a whole file); it is there for a part of a paste, whose source is the whole paste.
   */
  fixed: { name: string; kind: FileKind; text: string; original?: string }[];
  /** Unified diff of those changes (redacted text). */
  patch: string;
  redactions: Redaction[];
  /** The inputs as analysed (redacted unless `raw`), so evidence can be shown in context. */
  sources?: { name: string; kind: FileKind; text: string }[];
}

/**
 * The timers on one request path (nginx location → app server), shortest first, each with
 * where its value comes from, and how long that path's failed requests ran (when the logs say).
 */
export interface TimerLadder {
  /** The nginx location: "shop.example.com location /api/". */
  path: string;
  /** `bounds`: idle (keep-alive between requests) or pod (probes, stop grace): never "fired". */
  timers: {
    hop: string;
    setting: string;
    seconds: number;
    source: string;
    bounds?: 'idle' | 'pod';
  }[];
  failed: null | {
    count: number;
    min: number;
    max: number;
    median: number;
    /** All within one timer's window of each other (else no single timer ended them). */
    consistent: boolean;
    /** Indexes into `timers` of those that fired at that time. */
    fired: number[];
  };
  /** Indexes into `timers` whose own log says they fired (WORKER TIMEOUT, HARAKIRI lines). */
  logged: number[];
}

/** What a share link holds: the redacted inputs and the user's choices (version, fixes). */
export interface Shared {
  v: 1;
  files: { name: string; text: string; kind?: FileKind }[];
  nginxVersion?: string;
  disabledFixes?: string[];
  enabledFixes?: string[];
}

/** Which step of an analysis has started (1-based, of how many) and its name, for the page. */
export interface StageProgress {
  step: number;
  of: number;
  label: string;
}
