import type { SourceFile } from '../../workers/engine/model.ts';

/** A bundled incident: what a user would paste. Written for this app, not taken from anywhere. */
export interface Sample {
  id: string;
  title: string;
  /** The pasted log lines. */
  log: string;
  files: SourceFile[];
  nginxVersion?: string;
}

/**
 * One sample per cause a rule exists for (workers/engine/rules/index.ts), each named after
 * the cause it shows (`?sample=<cause>`), and one per hop the rules know beyond gunicorn
 * (`<cause>-<hop>`). Loaded on demand so they never weigh on the first chunk.
 */
export const samples: { id: string; title: string; load: () => Promise<Sample> }[] = [
  {
    id: 'keepalive-race',
    title: 'Keepalive race: nginx reuses connections gunicorn already closed',
    load: async () => (await import('./keepalive-race.ts')).sample,
  },
  {
    id: 'keepalive-race-uvicorn',
    title: 'FastAPI on uvicorn in compose: nginx reuses connections uvicorn closed (5 s)',
    load: async () => (await import('./keepalive-race-uvicorn.ts')).sample,
  },
  {
    id: 'keepalive-race-hypercorn',
    title: 'Quart on hypercorn under systemd: nginx reuses connections hypercorn closed (5 s)',
    load: async () => (await import('./keepalive-race-hypercorn.ts')).sample,
  },
  {
    id: 'keepalive-race-apache',
    title: 'nginx in front of Apache httpd: nginx reuses connections Apache closed (5 s)',
    load: async () => (await import('./keepalive-race-apache.ts')).sample,
  },
  {
    id: 'keepalive-race-alb',
    title: 'AWS ALB idle timeout longer than nginx keepalive_timeout: 502s nginx never logs',
    load: async () => (await import('./keepalive-race-alb.ts')).sample,
  },
  {
    id: 'keepalive-race-alb-ingress',
    title: 'ALB Ingress straight to Node pods: the ALB reuses sockets Node closed after 5 s',
    load: async () => (await import('./keepalive-race-alb-ingress.ts')).sample,
  },
  {
    id: 'keepalive-inert',
    title: 'Keepalive pool that never keeps a connection (port exhaustion)',
    load: async () => (await import('./keepalive-inert.ts')).sample,
  },
  {
    id: 'app-timeout',
    title: 'App server kills slow requests before nginx stops waiting',
    load: async () => (await import('./app-timeout.ts')).sample,
  },
  {
    id: 'proxy-timeout',
    title: '504: nginx stops waiting for a slow report endpoint',
    load: async () => (await import('./proxy-timeout.ts')).sample,
  },
  {
    id: 'worker-recycle',
    title: 'Worker recycling drops pooled connections (max_requests, no jitter)',
    load: async () => (await import('./worker-recycle.ts')).sample,
  },
  {
    id: 'oom-kill',
    title: 'Out of memory: the kernel kills app workers mid-request',
    load: async () => (await import('./oom-kill.ts')).sample,
  },
  {
    id: 'deploy-termination',
    title: 'Deploys: pods stop before traffic is drained (no preStop)',
    load: async () => (await import('./deploy-termination.ts')).sample,
  },
  {
    id: 'deploy-termination-supervisord',
    title: 'supervisord restarts uWSGI: SIGTERM is a brutal reload, checkouts cut, then SIGKILL',
    load: async () => (await import('./deploy-termination-supervisord.ts')).sample,
  },
  {
    id: 'backend-down',
    title: 'Backend down: connection refused',
    load: async () => (await import('./backend-down.ts')).sample,
  },
  {
    id: 'address-mismatch',
    title: 'Wrong address: localhost resolves to ::1, the app listens on 127.0.0.1',
    load: async () => (await import('./address-mismatch.ts')).sample,
  },
  {
    id: 'backlog-full',
    title: 'Listen queue full: uWSGI socket refuses new connections (EAGAIN)',
    load: async () => (await import('./backlog-full.ts')).sample,
  },
  {
    id: 'protocol-mismatch',
    title: 'Protocol mismatch: HTTP sent to a uwsgi-protocol socket',
    load: async () => (await import('./protocol-mismatch.ts')).sample,
  },
  {
    id: 'body-limit',
    title: 'Uploads rejected: request body over client_max_body_size',
    load: async () => (await import('./body-limit.ts')).sample,
  },
  {
    id: 'header-size',
    title: 'Response headers too big for nginx’s proxy buffer',
    load: async () => (await import('./header-size.ts')).sample,
  },
  {
    id: 'upgrade-header',
    title: 'Hard-coded Connection "upgrade" on ordinary requests',
    load: async () => (await import('./upgrade-header.ts')).sample,
  },
  {
    id: 'retry-policy',
    title: 'Unbounded retries: a slow request waits on every upstream server in turn',
    load: async () => (await import('./retry-policy.ts')).sample,
  },
  {
    id: 'permission-denied',
    title: 'Permission denied: nginx may not write to the uWSGI socket',
    load: async () => (await import('./permission-denied.ts')).sample,
  },
  {
    id: 'edge-timeout',
    title: 'Load balancer gives up first: ALB 504s at 60 s, nginx still waiting (499s)',
    load: async () => (await import('./edge-timeout.ts')).sample,
  },
  {
    id: 'edge-timeout-gke',
    title: 'GKE Ingress waits 30 s, gunicorn lets exports run 3 minutes: 504s at the balancer',
    load: async () => (await import('./edge-timeout-gke.ts')).sample,
  },
];

export const defaultSampleId = 'keepalive-inert';
