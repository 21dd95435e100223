import type { FormatHandler } from './types.ts';
import { handler as nginx } from './nginx/index.ts';
import { handler as gunicorn } from './gunicorn/index.ts';
import { handler as uwsgi } from './uwsgi/index.ts';
import { handler as kubernetes } from './kubernetes/index.ts';
import { handler as node } from './node/index.ts';
import { handler as phpFpm } from './php-fpm/index.ts';
import { handler as puma } from './puma/index.ts';
import { handler as dotenv } from './dotenv/index.ts';
import { handler as uvicorn } from './uvicorn/index.ts';
import { handler as hypercorn } from './hypercorn/index.ts';
import { handler as apache } from './apache/index.ts';
import { handler as terraform } from './terraform/index.ts';
import { handler as cloudformation } from './cloudformation/index.ts';

/**
 * Every config format the engine reads. Each format folder exports its handler from
 * `index.ts`; add it here (one line) and detection, parsing and the CLI's `parse` pick it up.
 */
export const formats: FormatHandler[] = [nginx];
formats.push(gunicorn, uwsgi, kubernetes);
formats.push(node);
formats.push(phpFpm, puma, dotenv);
formats.push(uvicorn, hypercorn, terraform, cloudformation);
formats.push(apache);
