/**
 * Kubernetes (and any YAML): read with the `yaml` package, which keeps source ranges.
 * - `kind: Secret`: every value under `data` and `stringData` (a `data` value's identity is its
 *   base64-decoded text, so it shares a placeholder with the same secret written in clear).
 * - env entries `{name: …PASSWORD…, value: …}`; any pair whose key is a credential name.
 * - `.dockerconfigjson` / `.dockercfg`, and the `kubectl.kubernetes.io/last-applied-configuration`
 *   annotation (a JSON copy of the whole object, Secret data and env values included).
 * - ConfigMap files: an embedded `*.conf` / `*.ini` / `*.py` / `.env` is read with that format's rules,
 *   and ingress-nginx snippets (annotations, ConfigMap keys) with the nginx rules.
 * Values that reference secrets (`valueFrom.secretKeyRef`, `secretName`) are names and stay.
 */
import {
  type YAMLMap,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Node,
  type Scalar,
} from 'yaml';
import type { Candidate } from '../types.ts';
import { isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';
import { shift } from '../scan.ts';
import { findDotenvSecrets } from './dotenv.ts';
import { findIniSecrets } from './ini.ts';
import { findNginxSecrets } from './nginx.ts';
import { findPythonSecrets } from './python.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/**
 * ingress-nginx's nginx text inside YAML: `nginx.ingress.kubernetes.io/configuration-snippet`
 * (and server-, auth-, stream- snippets) annotations, and its ConfigMap's `http-snippet`,
 * `server-snippet`, `location-snippet`, `main-snippet`.
 */
const SNIPPET = /(?:^|[/-])(?:configuration|server|location|auth|http|main|stream)-snippet$/;
/**
 * YAML parsing runs at about 1 MB/s: documents above MAX_DOC, and any beyond MAX_YAML parsed in
 * all, are left to the text layers (the line-based Secret reader and the keyword layer).
 */
const MAX_YAML = 4 * 1024 * 1024;
const MAX_DOC = 512 * 1024;

/**
 * Words without which a document holds nothing this layer looks for (Secret data, credential
 * names, last-applied, docker config, an embedded `.env`). Parsing YAML is the costliest step of
 * redaction, and most documents of a manifest (RBAC, Services, CRDs) need none of it.
 */
const WORTH_PARSING =
  /Secret|pass|pwd|secret|token|key|auth|cred|salt|last-applied|dockerc|\.env\b|snippet/i;

export function findYamlSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  let budget = MAX_YAML;
  // One document at a time (split before each `---` line), offsets shifted back.
  const starts = [0];
  for (const m of text.matchAll(/^---(?=[ \t\r\n]|$)/gm)) if (m.index > 0) starts.push(m.index);
  starts.push(text.length);
  for (let i = 0; i + 1 < starts.length; i++) {
    const slice = text.slice(starts[i], starts[i + 1]);
    if (slice.length > MAX_DOC || slice.length > budget || !WORTH_PARSING.test(slice)) continue;
    budget -= slice.length;
    const found: Candidate[] = [];
    try {
      const docs = parseAllDocuments(slice, {
        uniqueKeys: false,
        strict: false,
        prettyErrors: false,
      });
      for (const doc of Array.isArray(docs) ? docs : []) walk(slice, doc.contents, found);
    } catch {
      // A YAML the library cannot read at all: the text layers still run.
    }
    for (const c of shift(found, starts[i]!)) out.push(c);
  }
  return out;
}

function walk(text: string, node: unknown, out: Candidate[], depth = 0): void {
  if (depth > 200 || node === null || node === undefined || isAlias(node)) return;
  if (isSeq(node)) {
    for (const item of node.items) walk(text, item, out, depth + 1);
    return;
  }
  if (!isMap(node)) return;
  // env entry: {name: DB_PASSWORD, value: "…"}
  const envName = scalarString(node.get('name', true));
  const envValue = node.get('value', true);
  if (envName && isScalar(envValue)) {
    const kind = secretKindOfName(envName);
    const range = valueRange(text, envValue);
    if (kind && range && !isNonSecretValue(String(envValue.value ?? ''), true, kind)) {
      out.push({ start: range[0], end: range[1], kind, layer: 'format' });
    }
  }
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = isScalar(pair.key) ? String(pair.key.value ?? '') : '';
    const value = pair.value as Node | null;
    if (isScalar(value)) {
      const range = valueRange(text, value);
      if (!range) continue;
      if (key === LAST_APPLIED || key === '.dockerconfigjson' || key === '.dockercfg') {
        out.push({
          start: range[0],
          end: range[1],
          kind: key === LAST_APPLIED ? 'last-applied-configuration' : 'docker-config',
          layer: 'format',
        });
        continue;
      }
      const kind = secretKindOfName(key);
      const str = typeof value.value === 'string' ? value.value : '';
      if (kind && str && !isNonSecretValue(str, true, kind)) {
        out.push({ start: range[0], end: range[1], kind, layer: 'format' });
      } else if (str && (value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED')) {
        embedded(text, key, range, out);
      } else if (str && SNIPPET.test(key)) {
        // A one-line snippet: nginx text in a plain or quoted scalar (its escapes are rare).
        for (const c of shift(findNginxSecrets(text.slice(range[0], range[1])), range[0]))
          out.push(c);
      }
    } else {
      walk(text, value, out, depth + 1);
    }
  }
  // A Secret anywhere: a document, or an item of `kind: List` (`kubectl get secrets -o yaml`).
  // After the pairs, so a value's name-based kind (`password`) names it when both apply.
  if (scalarString(node.get('kind', true)) === 'Secret') secretData(text, node, out);
}

/** Every value under a Secret's `data` and `stringData`. */
function secretData(text: string, secret: YAMLMap, out: Candidate[]): void {
  for (const field of ['data', 'stringData']) {
    const map = secret.get(field, true);
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      if (!isScalar(pair.value)) continue;
      const range = valueRange(text, pair.value);
      if (!range) continue;
      const raw = text.slice(range[0], range[1]);
      out.push({
        start: range[0],
        end: range[1],
        kind: 'k8s-secret',
        layer: 'format',
        identity: field === 'data' ? decodeBase64(raw) : undefined,
      });
    }
  }
}

/** A config file inside a ConfigMap: the block's source text is the file with extra indentation. */
function embedded(text: string, key: string, range: [number, number], out: Candidate[]): void {
  const slice = text.slice(range[0], range[1]);
  const name = key.toLowerCase();
  let found: Candidate[] = [];
  if (/\.conf$|nginx/.test(name) || SNIPPET.test(name)) found = findNginxSecrets(slice);
  else if (/\.ini$/.test(name)) found = findIniSecrets(slice);
  else if (/\.py$/.test(name)) found = findPythonSecrets(slice);
  else if (/(?:^|\.)env$/.test(name)) found = findDotenvSecrets(slice);
  for (const c of shift(found, range[0])) out.push(c);
}

function scalarString(node: unknown): string | null {
  return isScalar(node) && typeof node.value === 'string' ? node.value : null;
}

/**
 * Where a scalar's value sits in the source: inside the quotes of a quoted scalar, from the
 * first content character to the last of a block scalar (its `|`/`>` header stays).
 */
export function valueRange(text: string, node: Scalar): [number, number] | null {
  const r = node.range;
  if (!r) return null;
  let [start, end] = [r[0], r[1]];
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    start++;
    end--;
  } else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', start);
    if (nl < 0 || nl >= end) return null;
    start = nl + 1;
    while (start < end && /\s/.test(text[start]!)) start++;
  }
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? [start, end] : null;
}

function decodeBase64(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  try {
    const bytes = atob(compact);
    // Only text secrets are matched across files; binary ones keep their own identity.
    return /^[\x20-\x7e\t\r\n]*$/.test(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}
