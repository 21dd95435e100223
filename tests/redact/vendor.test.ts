import { describe, expect, it } from 'vitest';
import type { Candidate, Detector } from '../../workers/engine/redact/types.ts';
import { redactText } from '../../workers/engine/redact/index.ts';
import { findAiKeys } from '../../workers/engine/redact/vendor/ai.ts';
import { findAws } from '../../workers/engine/redact/vendor/aws.ts';
import { findAzure } from '../../workers/engine/redact/vendor/azure.ts';
import { findGitHub } from '../../workers/engine/redact/vendor/github.ts';
import { findGitLab } from '../../workers/engine/redact/vendor/gitlab.ts';
import { findGoogle } from '../../workers/engine/redact/vendor/google.ts';
import { findJwts } from '../../workers/engine/redact/vendor/jwt.ts';
import { findPasswordHashes } from '../../workers/engine/redact/vendor/password-hash.ts';
import { findPrivateKeys } from '../../workers/engine/redact/vendor/pem.ts';
import { findPrefixedTokens } from '../../workers/engine/redact/vendor/prefixed.ts';
import { findRegistryTokens } from '../../workers/engine/redact/vendor/registries.ts';
import { findSendGrid } from '../../workers/engine/redact/vendor/sendgrid.ts';
import { findSlack } from '../../workers/engine/redact/vendor/slack.ts';
import { findStripe } from '../../workers/engine/redact/vendor/stripe.ts';
import { findTwilio } from '../../workers/engine/redact/vendor/twilio.ts';
import { findTelegram } from '../../workers/engine/redact/vendor/telegram.ts';
import { findDiscord } from '../../workers/engine/redact/vendor/discord.ts';
import { Fake } from './fake.ts';

const f = new Fake(42);

/** The secret texts a detector found. */
function found(detect: Detector, text: string): string[] {
  return detect(text).map((c: Candidate) => text.slice(c.start, c.end));
}

/** Context lines with nothing that names a credential, so only the vendor shape can fire. */
const contexts = (s: string) => [`value ${s} end`, `"${s}"`, `x=${s}`, `- ${s}`, `${s}\n`];

interface Case {
  name: string;
  detect: Detector;
  kind: string;
  make: () => string;
  /** Strings of nearly the same shape that are not credentials. */
  nearMisses: string[];
}

const HEXCHARS = '0123456789abcdef';
const cases: Case[] = [
  {
    name: 'Vault token',
    detect: findPrefixedTokens,
    kind: 'vault-token',
    make: () => 'hv' + 's.' + f.mixed(90),
    nearMisses: ['hvs.short', 'chvs.' + 'x'.repeat(30)],
  },
  {
    name: 'Docker Hub token',
    detect: findPrefixedTokens,
    kind: 'docker-hub-token',
    make: () => 'dckr' + '_pat_' + f.mixed(27),
    nearMisses: ['dckr_pat_short'],
  },
  {
    name: 'Hugging Face token',
    detect: findPrefixedTokens,
    kind: 'huggingface-token',
    make: () => 'h' + 'f_' + f.mixed(34),
    nearMisses: ['hf_transfer_enabled', 'h' + 'f_' + 'short'],
  },
  {
    name: 'DigitalOcean token',
    detect: findPrefixedTokens,
    kind: 'digitalocean-token',
    make: () => 'do' + 'p_v1_' + f.pick(HEXCHARS, 64),
    nearMisses: ['dop_v1_' + 'zz'],
  },
  {
    name: 'Databricks token',
    detect: findPrefixedTokens,
    kind: 'databricks-token',
    make: () => 'da' + 'pi' + f.pick(HEXCHARS, 32),
    nearMisses: ['dapi-gateway', 'rapid' + f.pick(HEXCHARS, 32)],
  },
  {
    name: 'AWS access key id',
    detect: findAws,
    kind: 'aws-access-key-id',
    make: () => f.awsKeyId(),
    nearMisses: [
      'AK' + 'IAIOSFODNN7EXAMPLE',
      'AK' + 'IA' + 'abcdefghijklmnop',
      'XAK' + 'IA' + 'ABCDEFGHIJKLMNOP',
    ],
  },
  {
    name: 'GitHub token',
    detect: findGitHub,
    kind: 'github-token',
    make: () => f.github(),
    nearMisses: [
      'gh' + 'p_' + 'short123',
      'ghx_' + 'a'.repeat(36),
      'my-ghp_'.slice(0, 3) + 'branch-name',
    ],
  },
  {
    name: 'GitHub fine-grained token',
    detect: findGitHub,
    kind: 'github-token',
    make: () => f.githubFineGrained(),
    nearMisses: ['github' + '_pat_' + 'tooShort', 'github_path_to_repo'],
  },
  {
    name: 'GitLab token',
    detect: findGitLab,
    kind: 'gitlab-token',
    make: () => f.gitlab(),
    nearMisses: ['gl' + 'pat-' + 'short', 'glpatch-file-name-that-is-long'],
  },
  {
    name: 'Slack bot token',
    detect: findSlack,
    kind: 'slack-token',
    make: () => f.slackBot(),
    nearMisses: ['xo' + 'xb-', 'xoxo-hugs-and-kisses'],
  },
  {
    name: 'Stripe secret key',
    detect: findStripe,
    kind: 'stripe-key',
    make: () => f.stripe(),
    // Publishable keys are public by design.
    nearMisses: [
      'p' + 'k_live_' + 'a1B2c3D4e5F6g7H8i9J0k1L2',
      's' + 'k_live_' + 'short',
      'desk_live_view',
    ],
  },
  {
    name: 'Google API key',
    detect: findGoogle,
    kind: 'google-api-key',
    make: () => f.googleApiKey(),
    nearMisses: ['AI' + 'za' + 'TooShort123', 'AIzaBBBB'],
  },
  {
    name: 'OpenAI key',
    detect: findAiKeys,
    kind: 'openai-api-key',
    make: () => f.openai(),
    nearMisses: ['s' + 'k-' + 'proj-' + 'short', 'sk-learn-toolkit', 'risk-proj-management'],
  },
  {
    name: 'Anthropic key',
    detect: findAiKeys,
    kind: 'anthropic-api-key',
    make: () => f.anthropic(),
    nearMisses: ['s' + 'k-' + 'ant-' + 'api03-' + 'short', 'sk-ant-colony-simulation'],
  },
  {
    name: 'npm token',
    detect: findRegistryTokens,
    kind: 'npm-token',
    make: () => f.npm(),
    nearMisses: ['np' + 'm_' + 'config_cache', 'np' + 'm_' + 'a'.repeat(35)],
  },
  {
    name: 'PyPI token',
    detect: findRegistryTokens,
    kind: 'pypi-token',
    make: () => f.pypi(),
    nearMisses: ['py' + 'pi-' + 'simple-index', 'pypi-AgEI'],
  },
  {
    name: 'SendGrid key',
    detect: findSendGrid,
    kind: 'sendgrid-api-key',
    make: () => f.sendgrid(),
    nearMisses: ['S' + 'G.' + 'abc.def', 'SG.example.com'],
  },
  {
    name: 'Twilio API key',
    detect: findTwilio,
    kind: 'twilio-api-key',
    make: () => f.twilioKey(),
    nearMisses: ['S' + 'K' + '0123', 'DISK' + '0123456789abcdef0123456789abcdef'],
  },
  {
    name: 'JWT',
    detect: findJwts,
    kind: 'jwt',
    make: () => f.jwt(),
    nearMisses: ['eyJ' + 'hbGci', 'eyJhbGciOiJIUzI1NiJ9.notjson.sig'],
  },
];

const B32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'.toUpperCase();
const B64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
cases.push(
  {
    name: 'Telegram bot token',
    detect: findTelegram,
    kind: 'telegram-bot-token',
    make: () => f.pick('0123456789', 10) + ':AA' + f.mixed(33, B64URL_CHARS),
    // a time, a port pair, a ratio: digits and a colon without the 35-character secret half
    nearMisses: ['12:30:45', '8080:80', '123456789:ABCDEF', '1234567890:AB' + 'c'.repeat(20)],
  },
  {
    name: 'New Relic user API key',
    detect: findPrefixedTokens,
    kind: 'newrelic-key',
    make: () => 'NRA' + 'K-' + f.mixed(27).toUpperCase(),
    nearMisses: ['NRAK-short', 'NRAK-' + 'A'.repeat(20)],
  },
  {
    name: 'New Relic browser key',
    detect: findPrefixedTokens,
    kind: 'newrelic-key',
    make: () => 'NR' + 'JS-' + f.pick(HEXCHARS, 19),
    nearMisses: ['NRJS-' + f.pick(HEXCHARS, 12)],
  },
  {
    name: 'New Relic insert key',
    detect: findPrefixedTokens,
    kind: 'newrelic-key',
    make: () => 'NR' + 'II-' + f.mixed(32),
    nearMisses: ['NRII-config'],
  },
  {
    name: 'New Relic license key',
    detect: findPrefixedTokens,
    kind: 'newrelic-key',
    make: () => f.pick(HEXCHARS, 36) + 'NR' + 'AL',
    nearMisses: [f.pick(HEXCHARS, 40), f.pick(HEXCHARS, 20) + 'NRAL'],
  },
  {
    name: 'Square access token',
    detect: findPrefixedTokens,
    kind: 'square-token',
    make: () => 'EA' + 'AA' + f.mixed(60, B64URL_CHARS),
    nearMisses: ['EAAA' + f.mixed(20)],
  },
  {
    name: 'Square OAuth secret',
    detect: findPrefixedTokens,
    kind: 'square-secret',
    make: () => 'sq0' + 'csp-' + f.mixed(43, B64URL_CHARS),
    nearMisses: ['sq0csp-short'],
  },
  {
    name: 'Alibaba Cloud AccessKey id',
    detect: findPrefixedTokens,
    kind: 'alibaba-access-key-id',
    make: () => 'LT' + 'AI' + f.mixed(20),
    nearMisses: ['LTAI', 'LTAIshort', 'VOLTAIC' + f.mixed(20)],
  },
  {
    name: 'age secret key',
    detect: findPrefixedTokens,
    kind: 'age-secret-key',
    make: () => 'AGE-SECRET' + '-KEY-1' + f.pick(B32, 58),
    nearMisses: ['AGE-SECRET-KEY-1', 'age1' + f.pick(B32.toLowerCase(), 58)],
  },
  {
    name: 'PlanetScale password',
    detect: findPrefixedTokens,
    kind: 'planetscale-token',
    make: () => 'pscale' + '_pw_' + f.mixed(43),
    nearMisses: ['pscale_pw_short', 'pscale_cli'],
  },
);

describe('vendor detectors', () => {
  for (const c of cases) {
    it(`${c.name}: found in every context, redacted as ${c.kind}`, () => {
      for (let i = 0; i < 5; i++) {
        const secret = c.make();
        for (const line of contexts(secret)) {
          expect(found(c.detect, line)).toEqual([secret]);
          const r = redactText(line, 'log');
          expect(r.text).not.toContain(secret);
          expect(r.text).toContain(`«redacted:${c.kind}:1»`);
        }
      }
    });
    it(`${c.name}: near misses stay`, () => {
      for (const miss of c.nearMisses) {
        for (const line of contexts(miss)) {
          expect(found(c.detect, line)).toEqual([]);
          expect(redactText(line, 'log').redactions).toEqual([]);
        }
      }
    });
  }

  it('AWS secret access key needs aws and secret on its line', () => {
    const secret = f.awsSecret();
    expect(found(findAws, `export AWS_SECRET_ACCESS_KEY=${secret}`)).toEqual([secret]);
    expect(found(findAws, `aws secret: ${secret}`)).toEqual([secret]);
    // A 40-character run with no AWS context is left to the other layers.
    expect(found(findAws, `checksum ${secret}`)).toEqual([]);
    expect(found(findAws, 'aws_secret_path=/usr/local/share/applications/x/y/z/abcdefgh')).toEqual(
      [],
    );
  });

  it('Twilio auth token is 32 hex on a line naming Twilio', () => {
    const token = f.hex(32);
    expect(found(findTwilio, `TWILIO_AUTH_TOKEN=${token}`)).toEqual([token]);
    expect(found(findTwilio, `etag "${token}"`)).toEqual([]);
    expect(redactText(`md5sum ${token}  file.tar.gz`, 'log').redactions).toEqual([]);
  });

  it('Slack webhook: the path after /services/ goes, the host stays', () => {
    const path = f.slackWebhookPath();
    const r = redactText(`SLACK_URL=https://hooks.slack.com/services/${path}`, 'log');
    expect(r.text).toBe('SLACK_URL=https://hooks.slack.com/services/«redacted:slack-webhook:1»');
  });

  it('Azure storage connection string: AccountKey goes, account name stays', () => {
    const key = f.azureAccountKey();
    const text = `DefaultEndpointsProtocol=https;AccountName=store1;AccountKey=${key};EndpointSuffix=core.windows.net`;
    expect(found(findAzure, text)).toEqual([key]);
    expect(redactText(text, 'log').text).toContain(
      'AccountName=store1;AccountKey=«redacted:azure-storage-key:1»;',
    );
    expect(found(findAzure, 'AccountKey=short==')).toEqual([]);
  });

  it('PEM private keys: body goes, BEGIN/END lines stay, line count is kept', () => {
    for (const label of [
      'RSA PRIVATE KEY',
      'PRIVATE KEY',
      'EC PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
    ]) {
      const pem = f.privateKeyPem(label);
      const r = redactText(`key: |\n${pem}\n`, 'log');
      expect(r.text).toContain(`-----BEGIN ${label}-----\n«redacted:private-key:1»`);
      expect(r.text).toContain(`-----END ${label}-----`);
      expect(r.text.split('\n').length).toBe(`key: |\n${pem}\n`.split('\n').length);
      for (const line of pem.split('\n').slice(1, -1)) expect(r.text).not.toContain(line);
    }
  });

  it('PEM in a JSON string with \\n escapes (service-account files)', () => {
    const body = f.pemBody(3).split('\n').join('\\n');
    const text = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"}`;
    const r = redactText(text, 'log');
    expect(r.text).toBe(
      '{"private_key": "-----BEGIN PRIVATE KEY-----\\n«redacted:private-key:1»\\n-----END PRIVATE KEY-----\\n"}',
    );
  });

  it('PEM cut off before its END line is still hidden', () => {
    const body = f.pemBody(4);
    const r = redactText(`-----BEGIN RSA PRIVATE KEY-----\n${body}`, 'log');
    for (const line of body.split('\n')) expect(r.text).not.toContain(line);
  });

  it('certificates and public keys are public and stay', () => {
    const body = f.pemBody(3);
    for (const label of ['CERTIFICATE', 'PUBLIC KEY', 'CERTIFICATE REQUEST']) {
      const text = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
      expect(findPrivateKeys(text)).toEqual([]);
      expect(redactText(text, 'log').redactions).toEqual([]);
    }
  });

  it('crypt password hashes (htpasswd, shadow) go; nginx captures and variables stay', () => {
    const salt = f.mixed(8, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./');
    const apr1 =
      '$' +
      'apr1$' +
      salt +
      '$' +
      f.mixed(22, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./');
    const bcrypt =
      '$' +
      '2y$10$' +
      f.mixed(53, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./');
    const sha512 =
      '$' +
      '6$' +
      salt +
      '$' +
      f.mixed(86, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./');
    for (const h of [apr1, bcrypt, sha512]) {
      expect(found(findPasswordHashes, `admin:${h}`)).toEqual([h]);
      expect(redactText(`admin:${h}\n`, 'unknown').text).toBe('admin:«redacted:password-hash:1»\n');
    }
    for (const miss of [
      'rewrite ^/(.*)$ /$1$2 break;',
      'return 301 $1$request_uri;',
      'set $a $1$uri$args;',
    ]) {
      expect(found(findPasswordHashes, miss)).toEqual([]);
    }
  });

  it('GCP service-account private_key_id goes; other ids stay', () => {
    const id = f.pick(HEXCHARS, 40);
    const json = `{"type": "service_account", "project_id": "acme-prod", "private_key_id": "${id}", "client_id": "10${f.pick('0123456789', 19)}"}`;
    expect(found(findGoogle, json)).toEqual([id]);
    const r = redactText(json, 'unknown');
    expect(r.text).toContain('"private_key_id": "«redacted:gcp-private-key-id:1»"');
    expect(r.text).toContain('"project_id": "acme-prod"');
    expect(found(findGoogle, `"key_id": "${id}"`)).toEqual([]);
  });

  it('Discord webhook: id and token go, the host stays', () => {
    const path = `${f.pick('0123456789', 18)}/${f.mixed(68, B64URL_CHARS)}`;
    const r = redactText(`url = "https://discord.com/api/webhooks/${path}"`, 'log');
    expect(r.text).toBe('url = "https://discord.com/api/webhooks/«redacted:discord-webhook:1»"');
    expect(found(findDiscord, 'https://discord.com/api/webhooks/123/abc')).toEqual([]);
  });

  it('Slack webhook path without its host (a request line, a rewrite) goes', () => {
    const path = f.slackWebhookPath();
    const line = `10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "POST /services/${path} HTTP/1.1" 502 0 "-" "-"`;
    expect(found(findSlack, line)).toEqual([path]);
    expect(found(findSlack, '"GET /services/TEAM/BOARD/list HTTP/1.1"')).toEqual([]);
  });

  it('htpasswd and LDAP {SHA}/{SSHA} hashes go', () => {
    const sha = btoa(String.fromCharCode(...Array.from({ length: 20 }, (_, i) => (i * 37) % 256)));
    const ssha = btoa(String.fromCharCode(...Array.from({ length: 28 }, (_, i) => (i * 53) % 256)));
    expect(found(findPasswordHashes, `admin:{SHA}${sha}`)).toEqual([sha]);
    expect(found(findPasswordHashes, `userPassword: {SSHA}${ssha}`)).toEqual([ssha]);
    expect(redactText(`admin:{SHA}${sha}\n`, 'unknown').text).toBe(
      'admin:{SHA}«redacted:password-hash:1»\n',
    );
    expect(found(findPasswordHashes, 'location {SHA} { }')).toEqual([]);
  });
});
