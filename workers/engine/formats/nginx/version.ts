/** nginx version numbers: "1.22.1", "1.29.7", "1.30". */

export type Version = readonly [number, number, number];

/** The version assumed when neither the user nor the inputs state one (Ubuntu 24.04's nginx). */
export const ASSUMED_NGINX_VERSION = '1.24.0';

/**
 * Parsed versions by text: rules compare the same one or two versions for each of 10^5
 * locations of a big config (the returned tuples are read-only, so sharing them is safe).
 */
const parsed = new Map<string, Version | null>();

export function parseVersion(v: string): Version | null {
  let version = parsed.get(v);
  if (version === undefined) {
    const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
    version = m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
    if (parsed.size < 1000) parsed.set(v, version);
  }
  return version;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** True when `version` is at least `since` (e.g. atLeast([1,29,7], '1.29.7')). */
export function atLeast(version: Version, since: string): boolean {
  return compareVersions(version, parseVersion(since) as Version) >= 0;
}

/** "1.22" for 1.22.1: how sources name a default ("nginx 1.22 default"). */
export function shortVersion(v: Version): string {
  return `${v[0]}.${v[1]}`;
}
