// Preloaded with `node --import`: reports the process's peak resident memory on exit, on
// stderr as one JSON line, so a benchmark can measure a whole CLI run from outside.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\n${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
