import { createRequire } from 'node:module';

/** The package's version: package.json sits one folder up from bin/ and from dist-cli/ alike. */
export function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}
