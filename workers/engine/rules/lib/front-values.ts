/**
 * What the rules about the hop in front of nginx (keepalive-race's front hop, edge-timeout)
 * share: a balancer's timeout as evidence (its line, or the line that declares it when the value
 * is the balancer's default) and as a compared value, and the balancer's log lines nginx never
 * answered.
 */
import type { ComparedValue, Evidence, LogEvent } from '../../model.ts';
import type { Front } from '../../topology/index.ts';
import { sourceOf, writtenAt } from './app-values.ts';

/**
 * The balancer as it waits for a response: its idle timeout, or (Google Cloud) a response
 * timeout of its own in place of it, so the evidence and compared value name that one.
 */
export function waiting(front: Front): Front {
  return front.wait ? { ...front, idle: front.wait.value, setting: front.wait.setting } : front;
}

export function frontEvidence(front: Front): Evidence {
  const at = writtenAt(front.idle.source);
  return at
    ? { ...at, note: `the balancer's ${front.setting} (${front.idle.value} s)` }
    : {
        file: front.file,
        line: front.line,
        note: `${front.setting}: ${front.idle.value} s (${sourceOf(front.idle.source)})`,
      };
}

export function frontCompared(front: Front): ComparedValue {
  return {
    hop: front.label,
    setting: front.setting,
    value: `${front.idle.value} s`,
    source: sourceOf(front.idle.source),
  };
}

/**
 * The balancer's responses with `status` that nginx never answered (target status "-"), when
 * it is the only balancer of its kind pasted (its log does not say which one wrote it).
 */
export function noAnswerLines(
  front: Front,
  fronts: readonly Front[],
  events: readonly LogEvent[],
  status: number,
): LogEvent[] {
  if (fronts.filter((f) => f.kind === front.kind).length > 1) return [];
  return events.filter(
    (e) =>
      e.source === 'aws-lb' &&
      e.fields?.balancer === front.kind &&
      e.status === status &&
      e.fields.targetStatus === '-',
  );
}
