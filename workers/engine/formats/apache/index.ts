/** Apache httpd as an app server behind nginx: httpd.conf, apache2.conf, site files. */
import type { FormatHandler } from '../types.ts';
import { baseName } from '../../strings.ts';
import { parseApache, type ApacheTree } from './parse.ts';

const SECTION =
  /^[ \t]*<(VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|IfDefine|Proxy)\b[^>]*>[ \t]*$/gm;
/** Directives as Apache's docs and every stock config write them (capitalised). */
const DIRECTIVE =
  /^[ \t]*(ServerRoot|ServerName|ServerAlias|ServerAdmin|DocumentRoot|Listen|KeepAlive|KeepAliveTimeout|MaxKeepAliveRequests|Timeout|LoadModule|ErrorLog|CustomLog|LogLevel|LogFormat|IncludeOptional|DirectoryIndex|AllowOverride|Require|Options|WSGIDaemonProcess|WSGIProcessGroup|WSGIScriptAlias|ProxyPass|ProxyPassReverse|ProxyPreserveHost|RewriteEngine|RewriteRule|RewriteCond|MaxRequestWorkers|MaxConnectionsPerChild|StartServers|PidFile|AddHandler|SetHandler|SSLEngine|SSLCertificateFile|AccessFileName|HostnameLookups)[ \t]+\S.*$/gm;
/** What nginx's lines look like: a statement ending in `;`, a block opening with `{`. */
const NGINX_LINE = /[;{][ \t]*(#.*)?$/m;

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const sections = head.match(SECTION)?.length ?? 0;
  const directives = head.match(DIRECTIVE)?.length ?? 0;
  if (sections + directives === 0) return 0;
  const nginxish = head.split('\n').filter((l) => NGINX_LINE.test(l)).length;
  if (nginxish > (sections + directives) / 2) return 0;
  if (/^(httpd|apache2?|ports)\.conf$/i.test(baseName(name))) return 0.95;
  // Nothing else writes a <VirtualHost> block.
  if (/^[ \t]*<VirtualHost\b/m.test(head)) return 0.8;
  if (sections > 0 && directives >= 2) return 0.85;
  return directives >= 3 ? 0.7 : 0;
}

export const handler: FormatHandler<ApacheTree> = {
  kind: 'apache',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseApache,
};

export { parseApache, type ApacheTree } from './parse.ts';
export { apacheSettings, apacheListens } from './effective.ts';
export { setApacheDirective } from './edit.ts';
