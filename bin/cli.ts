/**
 * upstream-doctor on the command line, over the same engine as the page.
 * Exit codes: 0 ok, 1 when --fail-on is met, 2 on bad usage or unreadable input.
 */
import { UsageError } from './args.ts';
import { runAnalyze } from './commands/analyze.ts';
import { runFix } from './commands/fix.ts';
import { runParse } from './commands/parse.ts';
import { runRedact } from './commands/redact.ts';

const usage = `usage: upstream-doctor <command> [options] INPUT...
  analyze [--json] [--redact] [--nginx-version V] [--unsafe] [--fail-on error|warning|info] INPUT...
  fix (--patch | --out DIR) [--redact] [--nginx-version V] [--unsafe] INPUT...
  parse [--json] [--kind KIND] INPUT
  redact [--json] INPUT
An INPUT is a file, a folder (walked), an archive (.zip, .tar, .tar.gz, .gz) or - for stdin.
Logs and configs can be mixed, in separate files or in one text (a paste, a thread, a shell
transcript): each part's kind is detected from its content.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  analyze: runAnalyze,
  fix: runFix,
  parse: runParse,
  redact: runRedact,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}" (try --help)`);
  return command(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`upstream-doctor: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    // An engine bug must not look like "findings met" (exit 1) to a CI job.
    process.stderr.write(`upstream-doctor: internal error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  }
}
