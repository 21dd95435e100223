import type { DecodedLine, Wrapper } from './types.ts';

/**
 * The few Node.js lines that explain a dead upstream on their own: V8 running out of heap
 * and a process dying of an uncaught exception or rejection. Stack frames are not events.
 */
export function decodeNode(body: string, _wrapper: Wrapper): DecodedLine | null {
  if (/^FATAL ERROR: .*JavaScript heap out of memory/.test(body)) {
    return { source: 'node', kind: 'heap-oom', fields: { message: body.trimEnd() } };
  }
  if (
    /^(?:\[nodemon\] app crashed|Uncaught Exception|\[UnhandledPromiseRejection: |UnhandledPromiseRejectionWarning: |Node\.js v\d+\.\d+\.\d+$)/.test(
      body,
    ) ||
    /^\s*triggerUncaughtException\(/.test(body)
  ) {
    return { source: 'node', kind: 'crash', fields: { message: body.trimEnd() } };
  }
  return null;
}
