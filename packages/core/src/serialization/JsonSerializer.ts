import { NotSerializable } from './errors.js';
import type { Serializer } from './Serializer.js';

export interface JsonSerializerOptions {
  /**
   * Refuse values JSON would change silently (default true): Date, Map, Set and class instances
   * (they come back as strings or plain objects), NaN and Infinity (null), bigint, functions,
   * symbols, and undefined inside arrays. Refusing at persist time is a rejection the actor sees;
   * accepting would surface only at recovery, as different data.
   */
  readonly strict?: boolean;
}

const decoder = new TextDecoder();

/** The default serializer (id 1): JSON text, checked for values that would not round-trip. */
export class JsonSerializer implements Serializer {
  readonly id = 1;
  readonly name = 'json';
  private readonly strict: boolean;

  constructor(options: JsonSerializerOptions = {}) {
    this.strict = options.strict ?? true;
  }

  serialize(value: unknown): string {
    if (this.strict) {
      const problem = findLossyValue(value, '$', 0);
      if (problem !== undefined) throw new NotSerializable(this.name, problem);
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new NotSerializable(this.name, (error as Error).message, error);
    }
    if (text === undefined) throw new NotSerializable(this.name, `${typeof value} has no JSON form`);
    return text;
  }

  deserialize(payload: string | Uint8Array): unknown {
    return JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload));
  }
}

const maxDepth = 1000;

/** Where `value` holds something JSON would not round-trip, described with its path; else undefined. */
function findLossyValue(value: unknown, path: string, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value} (JSON stores null)`;
    case 'object': {
      if (value === null) return undefined;
      if (depth > maxDepth) return `${path} is nested more than ${maxDepth} levels (a cycle?)`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) return `${path}[${i}] is undefined (JSON stores null)`;
          const problem = findLossyValue(item, `${path}[${i}]`, depth + 1);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        if (isActorRefLike(value)) return undefined;
        const kind = (value as object).constructor?.name ?? 'an object with a prototype';
        return `${path} is a ${kind} (JSON would store ${kind === 'Date' ? 'a string' : 'a plain object'}); use plain data or an event adapter`;
      }
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue; // absent and undefined are the same to readers of optional fields
        const problem = findLossyValue(item, `${path}.${key}`, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} is a ${typeof value}, which JSON cannot store`;
  }
}

/** Refs serialize to their path on purpose (commands carry replyTo refs). */
function isActorRefLike(value: object): boolean {
  const ref = value as { tell?: unknown; toJSON?: unknown; path?: unknown };
  return typeof ref.tell === 'function' && typeof ref.toJSON === 'function' && typeof ref.path === 'string';
}
