import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReadJournal } from '@engram/core';
import type { WriterJob } from './latencyChild.js';
import { LiveConsumer, type Percentiles } from './liveLatency.js';

const script = fileURLToPath(new URL('./latencyChild.js', import.meta.url));

interface WriterResult {
  readonly stored: number;
  readonly measureFrom: number;
  readonly ack: Percentiles;
}

/**
 * The writer in a child process (latencyChild.ts), the live consumer here on `journal`: the
 * consumer measures now minus the timestamp the child stored (one machine, one clock).
 */
export async function crossProcessLatency(journal: ReadJournal<unknown>, job: WriterJob): Promise<{ consumer: Percentiles; writer: WriterResult }> {
  const live = new LiveConsumer(journal);
  const writer = await new Promise<WriterResult>((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(job)], { maxBuffer: 16 * 1024 * 1024, timeout: (job.shape.seconds + 120) * 1000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`the writer process failed: ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] ?? 'null') as WriterResult);
    });
  });
  const consumer = await live.stop(writer.stored, writer.measureFrom);
  return { consumer, writer };
}
