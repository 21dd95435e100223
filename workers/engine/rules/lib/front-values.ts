/**
 * How the rules about the hop in front of nginx (keepalive-race's front hop, edge-timeout)
 * show a balancer's timeout: its line (or the line that declares it, when the value is the
 * balancer's default) and its row in the compared values.
 */
import type { ComparedValue, Evidence } from '../../model.ts';
import type { Front } from '../../topology/index.ts';
import { sourceOf, writtenAt } from './app-values.ts';

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
