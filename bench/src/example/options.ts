import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InvalidArgument } from '@engram/core';

/** What one run of the bank-account benchmark does; every field is a command-line option. */
export interface BenchOptions {
  /** The example's entry point (`examples/bank-account/dist/main.js` of some checkout). */
  readonly app: string;
  readonly accounts: number;
  /** One deposit run per connection count, in this order, against the same service. */
  readonly connections: readonly number[];
  /** Measured length of each deposit run. */
  readonly minutes: number;
  /** Length of each reported interval of a deposit run (the issue asks per minute). */
  readonly intervalSeconds: number;
  /** Deposits before each run's clock starts (JIT, connection set-up); their errors are counted too. */
  readonly warmupSeconds: number;
  readonly openConnections: number;
  /** Bound on the opening phase; the deposit runs then use the accounts opened by then. */
  readonly openMinutes: number;
  /** Length of the raw-stack baseline per connection count. */
  readonly baselineSeconds: number;
  readonly keepData: boolean;
}

const usage = `usage: node bench/dist/example/bankAccount.js [options]
  --app <path>              the example's dist/main.js (default: this checkout's examples/bank-account/dist/main.js)
  --accounts <n>            accounts to open before the deposits (default 100000)
  --connections <list>      connection counts, one deposit run each, in order (default 1,20,100)
  --minutes <n>             measured minutes of each deposit run (default 10)
  --interval-seconds <n>    report each deposit run per interval of this length (default 60)
  --warmup-seconds <n>      unmeasured deposits before each run (default 10)
  --open-connections <n>    connections while opening accounts (default 20)
  --open-minutes <n>        stop opening after this long and go on with the accounts opened (default 20)
  --baseline-seconds <n>    raw Hono server, per connection count (default 30; 0 skips it)
  --keep-data               keep the service's temporary DATA_DIR`;

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      app: { type: 'string' },
      accounts: { type: 'string', default: '100000' },
      connections: { type: 'string', default: '1,20,100' },
      minutes: { type: 'string', default: '10' },
      'interval-seconds': { type: 'string', default: '60' },
      'warmup-seconds': { type: 'string', default: '10' },
      'open-connections': { type: 'string', default: '20' },
      'open-minutes': { type: 'string', default: '20' },
      'baseline-seconds': { type: 'string', default: '30' },
      'keep-data': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const connections = values.connections.split(',').map((part) => positiveInteger('--connections', part.trim()));
  return {
    app: resolve(values.app ?? defaultApp()),
    accounts: positiveInteger('--accounts', values.accounts),
    connections,
    minutes: positiveNumber('--minutes', values.minutes),
    intervalSeconds: positiveNumber('--interval-seconds', values['interval-seconds']),
    warmupSeconds: nonNegativeNumber('--warmup-seconds', values['warmup-seconds']),
    openConnections: positiveInteger('--open-connections', values['open-connections']),
    openMinutes: positiveNumber('--open-minutes', values['open-minutes']),
    baselineSeconds: nonNegativeNumber('--baseline-seconds', values['baseline-seconds']),
    keepData: values['keep-data'],
  };
}

export function printUsage(): void {
  console.log(usage);
}

// bench/dist/example/ -> the repository root.
function defaultApp(): string {
  return fileURLToPath(new URL('../../../examples/bank-account/dist/main.js', import.meta.url));
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isInteger(value) || value < 1) throw new InvalidArgument(option, text, 'an integer >= 1');
  return value;
}

function positiveNumber(option: string, text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgument(option, text, 'a number > 0');
  return value;
}

function nonNegativeNumber(option: string, text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgument(option, text, 'a number >= 0');
  return value;
}
