/**
 * Fake secrets in the real formats, built at test time from a seeded generator so no
 * secret-shaped literal sits in the repository (prefixes are split so scanners do not trip on
 * this file either). None of these is anyone's credential.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '_-';
const HEX = '0123456789abcdef';
const BASE32 = UPPER + '234567';

/** mulberry32: small, seeded, good enough to make varied strings reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fake {
  private readonly next: () => number;
  constructor(seed = 1) {
    this.next = rng(seed);
  }
  pick(chars: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(this.next() * chars.length)];
    return s;
  }
  /** Mixed-class string guaranteed to contain lower, upper and digit. */
  mixed(n: number, chars = ALNUM): string {
    for (;;) {
      const s = this.pick(chars, n);
      if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
    }
  }
  awsKeyId(): string {
    return 'AK' + 'IA' + this.pick(BASE32, 16);
  }
  awsSecret(): string {
    return this.mixed(40, B64);
  }
  github(): string {
    return 'gh' + 'p_' + this.mixed(36);
  }
  githubFineGrained(): string {
    return 'github' + '_pat_' + this.mixed(22) + '_' + this.mixed(59);
  }
  gitlab(): string {
    return 'gl' + 'pat-' + this.mixed(20, B64URL);
  }
  slackBot(): string {
    return (
      'xo' + 'xb-' + this.pick(DIGITS, 11) + '-' + this.pick(DIGITS, 13) + '-' + this.mixed(24)
    );
  }
  slackWebhookPath(): string {
    return (
      'T' +
      this.pick(UPPER + DIGITS, 8) +
      '/B' +
      this.pick(UPPER + DIGITS, 10) +
      '/' +
      this.mixed(24)
    );
  }
  stripe(): string {
    return 's' + 'k_' + 'live_' + this.mixed(24);
  }
  googleApiKey(): string {
    return 'AI' + 'za' + this.mixed(35, B64URL);
  }
  openai(): string {
    return 's' + 'k-' + 'proj-' + this.mixed(48, B64URL);
  }
  anthropic(): string {
    return 's' + 'k-' + 'ant-' + 'api03-' + this.mixed(93, B64URL) + 'AA';
  }
  npm(): string {
    return 'np' + 'm_' + this.mixed(36);
  }
  pypi(): string {
    return 'py' + 'pi-' + 'AgEIcHlwaS5vcmc' + this.mixed(60, B64URL);
  }
  sendgrid(): string {
    return 'S' + 'G.' + this.mixed(22, B64URL) + '.' + this.mixed(43, B64URL);
  }
  twilioKey(): string {
    return 'S' + 'K' + this.pick(HEX, 32);
  }
  hex(n: number): string {
    return this.pick(HEX, n);
  }
  azureAccountKey(): string {
    return this.mixed(86, B64) + '==';
  }
  jwt(): string {
    const b64url = (s: string) =>
      btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: this.mixed(10), iat: 1700000000 }));
    return header + '.' + payload + '.' + this.mixed(43, B64URL);
  }
  pemBody(lines = 6): string {
    const out: string[] = [];
    for (let i = 0; i < lines; i++) out.push(this.mixed(64, B64));
    return out.join('\n');
  }
  privateKeyPem(label = 'RSA PRIVATE KEY', indent = ''): string {
    const body = this.pemBody()
      .split('\n')
      .map((l) => indent + l)
      .join('\n');
    return `${indent}-----BEGIN ${label}-----\n${body}\n${indent}-----END ${label}-----`;
  }
  password(n = 14): string {
    return this.mixed(n, ALNUM + '!%^*');
  }
}

/** Every 8-character window of `secret`: none may appear in redacted output. */
export function windows(secret: string, size = 8): string[] {
  if (secret.length <= size) return [secret];
  const out: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) out.push(secret.slice(i, i + size));
  return out;
}

/** The windows of `secret` that `output` still contains (should be none). */
export function leaks(output: string, secret: string, size = 8): string[] {
  return windows(secret, size).filter((w) => output.includes(w));
}
