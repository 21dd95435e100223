import type { EventSource, Phase } from '../model.ts';
import { GUNICORN, NODE, PHP_FPM, UVICORN, UWSGI } from './app-events.ts';
import { AWS_LB, NGINX_ACCESS, NGINX_ERROR } from './nginx-events.ts';
import { KERNEL, KUBERNETES, PROCESS_MANAGER, SELINUX } from './system-events.ts';
import type { EventExplanation } from './types.ts';

export type { EventExplanation } from './types.ts';

/** For every source and kind the log decoders emit: what it is, what it means, usual causes. */
export const EVENT_KNOWLEDGE: Record<EventSource, Record<string, EventExplanation>> = {
  'nginx-error': NGINX_ERROR,
  'nginx-access': NGINX_ACCESS,
  gunicorn: GUNICORN,
  uwsgi: UWSGI,
  kernel: KERNEL,
  kubernetes: KUBERNETES,
  'php-fpm': PHP_FPM,
  node: NODE,
  selinux: SELINUX,
  uvicorn: UVICORN,
  'aws-lb': AWS_LB,
  'process-manager': PROCESS_MANAGER,
};

/** Where in the request nginx was, from the `while …` of its error line. */
export const PHASE_KNOWLEDGE: Record<Phase, { title: string; what: string }> = {
  connecting: {
    title: 'Connecting to the upstream',
    what: 'nginx was opening the TCP or unix-socket connection (proxy_connect_timeout applies). The app has not seen the request: retrying it elsewhere is always safe.',
  },
  'ssl-handshake': {
    title: 'TLS handshake with the upstream',
    what: 'The connection was open and nginx was negotiating TLS (proxy_pass https://).',
  },
  'sending-request': {
    title: 'Sending the request',
    what: 'nginx was writing the request line, headers or body to the upstream (proxy_send_timeout applies between two writes).',
  },
  'reading-response-header': {
    title: 'Waiting for the response header',
    what: 'The request was sent and nginx was waiting for or reading the status line and headers (proxy_read_timeout applies). The app may have processed the request.',
  },
  'reading-upstream': {
    title: 'Reading the response body',
    what: 'The header had arrived (and may already be on its way to the client); nginx was reading the body. A failure here truncates the response.',
  },
  'sending-to-client': {
    title: 'Sending to the client',
    what: 'nginx was writing the response to the client; an error here is about the client connection, or the upstream closing while nginx relayed it.',
  },
};

export function explainEvent(source: EventSource, kind: string): EventExplanation | undefined {
  return EVENT_KNOWLEDGE[source]?.[kind];
}
