/** Node.js servers: http.createServer / app.listen / Fastify, and their keep-alive and request timeouts. */
import type { FormatHandler } from '../types.ts';
import { parseNode, type NodeTree } from './parse.ts';

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const jsName = /\.(m?js|cjs|ts|mts)$/i.test(name);
  const server = /\b(createServer|createSecureServer)\s*\(|\.listen\s*\(|\b[Ff]astify\s*\(/.test(
    head,
  );
  const timeouts =
    /\.(keepAliveTimeout|headersTimeout|requestTimeout)\s*=|\b(keepAliveTimeout|headersTimeout)\s*:/.test(
      head,
    );
  const js =
    /\b(require[ \t]*\(|import[ \t]+[\w{*]|const |let |=>|function[ \t]*(?:\w+[ \t]*)?\()/.test(
      head,
    );
  if (!js && !jsName) return 0;
  if (server && timeouts) return jsName ? 0.95 : 0.85;
  if (server && /\b(express|fastify|koa|http|https|node:http)\b/.test(head))
    return jsName ? 0.85 : 0.7;
  if (timeouts) return 0.6;
  return jsName && server ? 0.5 : 0;
}

export const handler: FormatHandler<NodeTree> = {
  kind: 'node',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseNode,
};

export { parseNode, type NodeTree, type NodeServer, type NodeAssignment } from './parse.ts';
export { nodeDefaultSettings, nodeSettings } from './effective.ts';
export { setNodeTimeouts } from './edit.ts';
export { nodeDefault, nodeMajorFrom, type NodeSettingName } from './defaults.ts';
