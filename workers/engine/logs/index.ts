/**
 * Log decoding and correlation: the API the engine pipeline, the CLI and the page's worker use.
 * Decoders per source live in their own files; this module only re-exports.
 */
export type { LogContext, DecodedLine } from './types.ts';
export { decodeLine, decodeLog, decodeWith, logConfidence, lines, MAX_LINE } from './decode.ts';
export {
  SOURCE_KINDS,
  NGINX_FAILURE_KINDS,
  FAILURE_STATUSES,
  SIDE_FAILURE_KINDS,
  isResponseLine,
} from './kinds.ts';
export { correlate, type CorrelateOptions } from './correlate.ts';
export { createLogAggregator, type LogAggregator, type AggregateResult } from './stream.ts';
export { parseUpstream, upstreamServer, type UpstreamParts } from './upstream.ts';
export { compileFormat, COMBINED } from './nginx-access.ts';
export { summarizeIncident, type IncidentSummary } from './summary.ts';
