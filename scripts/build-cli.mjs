/**
 * The CLI as one JavaScript file (dist-cli/upstream-doctor.mjs): the engine and bin/ bundled
 * for Node ≥ 20, so a run starts without compiling TypeScript (tsx took ~2.5 s per call).
 * package.json's `bin` points at it; `npm ci` builds it (prepare).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['bin/cli.ts'],
  outfile: 'dist-cli/upstream-doctor.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Some dependencies are CommonJS and require Node's built-ins: give the bundle a require.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __createRequire } from 'node:module';",
      'const require = __createRequire(import.meta.url);',
    ].join('\n'),
  },
  define: { __UPSTREAM_DOCTOR_VERSION__: JSON.stringify(version) },
  legalComments: 'none',
  logLevel: 'warning',
});
