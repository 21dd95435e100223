import type { FormatHandler } from './types.ts';
import { handler as nginx } from './nginx/index.ts';

/**
 * Every config format the engine reads. Each format folder exports its handler from
 * `index.ts`; add it here (one line) and detection, parsing and the CLI's `parse` pick it up.
 */
export const formats: FormatHandler[] = [nginx];
