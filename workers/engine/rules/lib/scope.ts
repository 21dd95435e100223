/**
 * Where a directive sits in the whole configuration, as a stable label for hit keys:
 * "http > server shop.example.com > location /api/". Line numbers move when fixes are
 * applied; block labels do not.
 */
import { blockLabel, type ConfigNode } from '../../formats/nginx/index.ts';

export function scopeOf(node: ConfigNode): string {
  const labels: string[] = [];
  for (let p = node.parent; p; p = p.parent) labels.unshift(blockLabel(p.directive));
  return labels.length > 0 ? labels.join(' > ') : '(top level)';
}
