/**
 * nginx configs: lossless parsing, includes, queries with inheritance and version-aware
 * defaults, and format-preserving edits. The public API of the format; the rest of the
 * engine imports from here only.
 */
import type { FormatHandler } from '../types.ts';
import { detectNginx } from './detect.ts';
import { parseNginx } from './parse.ts';
import type { NginxTree } from './tree.ts';

export const handler: FormatHandler<NginxTree> = {
  kind: 'nginx',
  detect: (name, text) => {
    try {
      return detectNginx(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseNginx,
};

export { parseNginx } from './parse.ts';
export type { Block, Comment, Directive, NginxFile, NginxTree, TokenStream } from './tree.ts';
export { TOKEN } from './tree.ts';
export { splitDump, findNginxVersion } from './dump.ts';
export {
  buildConfig,
  fragmentContext,
  guessContext,
  type ConfigError,
  type ConfigNode,
  type NginxConfig,
} from './config.ts';
export { includeMatches } from './include.ts';
export type { ObservedPass } from './assumed.ts';
export {
  findLocations,
  findUpstreams,
  ownPass,
  passHost,
  PASS_DIRECTIVES,
  type LocationInfo,
  type PassDirective,
  type PassTarget,
  type UpstreamInfo,
  type UpstreamServer,
  type Written,
} from './query.ts';
export { effective, isArrayDirective, type Effective, type EffectiveSource } from './effective.ts';
export {
  defaultValue,
  defaultSource,
  knownDefaults,
  type DefaultScope,
  type DefaultValue,
} from './defaults.ts';
export { parseDuration, parseSize, formatDuration } from './units.ts';
export {
  ASSUMED_NGINX_VERSION,
  atLeast,
  compareVersions,
  parseVersion,
  type Version,
} from './version.ts';
export {
  formatArg,
  formatArgs,
  insertBlock,
  insertDirective,
  insertNode,
  removeDirective,
  setDirective,
  type NewDirective,
} from './edit.ts';
export { blockLabel, collectSettings } from './settings.ts';
export { detectNginx } from './detect.ts';
