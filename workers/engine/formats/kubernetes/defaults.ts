/**
 * Defaults Kubernetes and ingress-nginx apply when a manifest says nothing. ingress-nginx
 * values are from its controller's `config.go` NewDefault() (controller v1.x); note that
 * upstream-keepalive-requests is 10000 there (it was 100 before v0.x→1.0 and some charts
 * lower it). nginx's own directive defaults are the nginx format's business.
 */
import type { DefaultRow } from '../gunicorn/text.ts';

const K = 'Kubernetes 1.x';
export const K8S_DEFAULTS: Record<string, DefaultRow> = {
  terminationGracePeriodSeconds: { value: '30', holds: K },
  'strategy.type': { value: 'RollingUpdate', holds: K },
  'strategy.rollingUpdate.maxUnavailable': { value: '25%', holds: K },
  'strategy.rollingUpdate.maxSurge': { value: '25%', holds: K },
  minReadySeconds: { value: '0', holds: K },
  'probe.periodSeconds': { value: '10', holds: K },
  'probe.timeoutSeconds': { value: '1', holds: K },
  'probe.failureThreshold': { value: '3', holds: K },
  'probe.successThreshold': { value: '1', holds: K },
  'probe.initialDelaySeconds': { value: '0', holds: K },
  'resources.limits.memory': { value: null, holds: `${K} (no limit unless a LimitRange sets one)` },
};

const I = 'ingress-nginx controller v1.x';
const i = (value: string): DefaultRow => ({ value, holds: I });

/** ingress-nginx ConfigMap keys; the per-Ingress annotation of the same name overrides them. */
export const INGRESS_NGINX_DEFAULTS: Record<string, DefaultRow> = {
  'proxy-connect-timeout': i('5'),
  'proxy-read-timeout': i('60'),
  'proxy-send-timeout': i('60'),
  'proxy-body-size': i('1m'),
  'proxy-buffer-size': i('4k'),
  'proxy-buffers-number': i('4'),
  'proxy-buffering': i('off'),
  'proxy-request-buffering': i('on'),
  'proxy-http-version': i('1.1'),
  'proxy-next-upstream': i('error timeout'),
  'proxy-next-upstream-tries': i('3'),
  'proxy-next-upstream-timeout': i('0'),
  'upstream-keepalive-connections': i('320'),
  'upstream-keepalive-time': i('1h'),
  'upstream-keepalive-timeout': i('60'),
  'upstream-keepalive-requests': i('10000'),
  'keep-alive': i('75'),
  'keep-alive-requests': i('1000'),
  'client-header-buffer-size': i('1k'),
  'large-client-header-buffers': i('4 8k'),
  'client-body-buffer-size': i('8k'),
  'client-header-timeout': i('60'),
  'client-body-timeout': i('60'),
  'worker-shutdown-timeout': i('240s'),
  'use-http2': i('true'),
  'max-worker-connections': i('16384'),
};

/** Annotations (nginx.ingress.kubernetes.io/<key>) that override a ConfigMap key of the same name. */
export const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Features whose availability depends on the cluster version. */
export const K8S_FEATURES = {
  /** `lifecycle.preStop.sleep`: beta and on by default in 1.30 (alpha behind PodLifecycleSleepAction in 1.29). */
  preStopSleep: { since: '1.30', gate: 'PodLifecycleSleepAction' },
} as const;
