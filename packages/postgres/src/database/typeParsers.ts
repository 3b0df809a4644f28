import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

const int8Oid = 20;
const xid8Oid = 5069;

const parseNumber = (value: string): number => Number(value);
const parseBigInt = (value: string): bigint => BigInt(value);

/**
 * Result parsers for the store's queries: bigint columns (sequence nrs, timestamps, ordering)
 * become numbers, as the SPI wants, since sequence nrs and millisecond timestamps stay below
 * 2^53; transaction ids (xid8) become bigints. Set per query, so a user's pool is left as it is.
 */
export const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === int8Oid) return parseNumber;
    if (oid === xid8Oid) return parseBigInt;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as CustomTypesConfig['getTypeParser'],
};
