export {
  auditEntryOf,
  auditPage,
  formatCursor,
  parseCursor,
  type AuditCursor,
  type AuditEntry,
  type AuditOrder,
  type AuditPage,
  type AuditQueries,
  type AuditQuery,
} from './AuditEntry.js';
export { PostgresAuditTrail } from './PostgresAuditTrail.js';
export { SqliteAuditTrail } from './SqliteAuditTrail.js';
