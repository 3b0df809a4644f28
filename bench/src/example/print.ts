import { loadavg } from 'node:os';
import type { ErrorKind, Interval } from './Meter.js';

/** Prints a Markdown table (first row the header), columns padded so it also reads in a terminal. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  for (const [i, row] of rows.entries()) {
    console.log(`| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`);
    if (i === 0) console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  }
}

export function rate(interval: Interval): number {
  return interval.seconds > 0 ? interval.ok / interval.seconds : Number.NaN;
}

export function formatRate(value: number): string {
  if (Number.isNaN(value)) return '-';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

export function formatMs(value: number): string {
  if (Number.isNaN(value)) return '-';
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

export function loadLine(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** Prints every kind of error with its count and an example; nothing when there were none. */
export function printErrors(title: string, kinds: readonly ErrorKind[]): void {
  if (kinds.length === 0) return;
  const total = kinds.reduce((sum, kind) => sum + kind.count, 0);
  console.log(`  ERRORS in ${title}: ${formatCount(total)}`);
  for (const kind of kinds) console.log(`    ${formatCount(kind.count)} x ${kind.key}: ${kind.example.replaceAll('\n', ' ')}`);
}
