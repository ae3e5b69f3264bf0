// Public surface of auth: API keys, roles, dashboard sessions and the audit log. The server's
// auth hook and routes and the CLI's `vigil keys` use these.
export {
  type AuditEntry,
  AuditLog,
  type AuditQuery,
  type AuditRecord,
  type AuditRecorder,
  noopAudit,
} from './audit.js';
export { type KeyInfo, type KeyRow, KeyStore } from './key-store.js';
export { isKeyId, parseKeyText } from './key-text.js';
export { atLeast, isRole, ROLES, type Role } from './roles.js';
export { Sessions, type SessionsOptions } from './sessions.js';
export { KeyVerifier, type KeyVerifierOptions, type Principal } from './verifier.js';
