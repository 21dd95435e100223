/**
 * How likely a pasted text is an nginx config. Names count (`nginx.conf`, `*.conf`,
 * `sites-available/…`, `conf.d/…`), but content decides: lines that look like nginx
 * directives (`word args;`, `server {`, `}`) versus lines that do not. A `nginx -T` dump is
 * certain. Log lines end without `;`, YAML has `key: value`, Python has `=`/`def`, so they
 * score low. Only the first 64 KiB are looked at, so detection is fast on a 50 MB paste.
 */

const KNOWN =
  /^(server|location|upstream|http|events|stream|listen|server_name|proxy_\w+|uwsgi_\w+|fastcgi_\w+|grpc_\w+|include|root|index|try_files|return|rewrite|worker_\w+|keepalive\w*|client_\w+|error_log|access_log|log_format|gzip\w*|ssl_\w+|add_header|map|types|default_type|sendfile|user|pid|if|set|charset|expires|alias|limit_\w+|resolver|real_ip_\w+|set_real_ip_from|error_page|allow|deny|auth_\w+|\w+_by_lua(_block|_file)?|lua_\w+)$/;

export function detectNginx(name: string, text: string): number {
  if (/^# configuration file .+:\r?$/m.test(text.slice(0, 65536))) return 1;
  const base = name.replace(/\\/g, '/');
  let nameScore = 0;
  if (
    /(^|\/)nginx[^/]*\.conf/i.test(base) ||
    /(^|\/)(sites-(available|enabled)|conf\.d|nginx)\//i.test(base)
  )
    nameScore = 0.3;
  else if (/\.conf(\.(template|sample|example|j2|tmpl|erb|envsubst|m4))?$/i.test(base))
    nameScore = 0.15;
  if (/\.(py|ini|ya?ml|json|toml|log|txt|env)$/i.test(base)) nameScore = -0.3;

  let good = 0;
  let known = 0;
  let bad = 0;
  const lines = text.slice(0, 65536).split('\n', 2000);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^}\s*(#.*)?$/.test(line)) {
      good++;
      continue;
    }
    // `name args;` / `name args {` — map, types and geo bodies have any key (`~*image/svg`, `""`).
    // Compact configs close blocks on the same line: `upstream a { server x; }`.
    const m =
      /^([a-z_][a-z0-9_]*)(?:\s[^;{}]*)?([;{])\s*(#.*)?$/i.exec(line) ??
      /^([a-z_][a-z0-9_]*)\s+\S.*[;{](\s*})*\s*(#.*)?$/i.exec(line) ??
      /^("[^"]*"|'[^']*'|[^\s;{}:=]+)\s+[^\s;{}][^;{}]*;\s*(#.*)?$/.exec(line);
    if (m) {
      good++;
      if (KNOWN.test(m[1] as string)) known++;
    } else bad++;
  }
  const total = good + bad;
  if (total === 0) return Math.max(0, nameScore);
  const ratio = good / total;
  let score = ratio * 0.6 + Math.min(known, 5) * 0.06 + nameScore;
  if (known === 0) score = Math.min(score, 0.3);
  return Math.max(0, Math.min(1, score));
}
