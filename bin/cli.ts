/**
 * upstream-doctor on the command line, over the same engine as the page.
 * Exit codes: 0 ok, 1 when --fail-on is met, 2 on bad usage or unreadable input.
 */
import { UsageError } from './args.ts';
import { version } from './version.ts';
import { runAnalyze } from './commands/analyze.ts';
import { runFix } from './commands/fix.ts';
import { runParse } from './commands/parse.ts';
import { runRedact } from './commands/redact.ts';

const inputs = `An INPUT is a file, a folder (walked), an archive (.zip, .tar, .tar.gz, .gz) or - for stdin.
Logs and configs can be mixed, in separate files or in one text (a paste, a thread, a shell
transcript): each part's kind is detected from its content.`;

/** What each command takes; `upstream-doctor <command> --help` prints its own. */
const commandUsage: Record<string, string> = {
  analyze: `analyze [--format text|json|sarif|github] [--redact] [--nginx-version V] [--unsafe] [--fail-on error|warning|info] INPUT...
    Explains the failures in the logs from the configs; exits 1 when a finding meets --fail-on.
    --format         text (default); json: the Report (--json too); sarif: SARIF 2.1.0 for
                     code scanning, with the fixes; github: workflow commands (::error file=…)
    --redact         mask secrets in the text output too
    --nginx-version  read the configs as this nginx version (else found in the input, or assumed)
    --unsafe         also apply fixes that change behaviour (opt-in ones)`,
  fix: `fix (--patch | --out DIR) [--redact] [--nginx-version V] [--unsafe] INPUT...
    Writes the verified fix: a unified diff on stdout (--patch) or the fixed files into DIR.`,
  parse: `parse [--json] [--kind KIND] INPUT
    Parses one input and prints its tree (or the parse errors with line numbers).`,
  redact: `redact [--json] INPUT
    Prints the input with its secrets masked (--json: the masked spans).`,
};

const usage = `usage: upstream-doctor <command> [options] INPUT...
${Object.values(commandUsage)
  .map((u) => `  ${u.split('\n')[0]}`)
  .join('\n')}
  --version, --help (also after a command)
${inputs}`;

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
  if (name === '--version' || name === '-v') {
    process.stdout.write(`upstream-doctor ${version()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}" (try --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: upstream-doctor ${commandUsage[name]}\n${inputs}\n`);
    return 0;
  }
  return command(rest);
}

// `upstream-doctor analyze … | head`: the reader went away; that is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

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
