// Memory AuditStore: security events in an array, filtered the way the SQL stores filter them.
import type { AuditFilter, AuditStore, StoredAuditEvent } from '../ports/index.ts';
import { clone } from './state.ts';

function matches(e: StoredAuditEvent, f: AuditFilter): boolean {
  return (
    (f.accountId === undefined || e.accountId === f.accountId) &&
    (f.clientId === undefined || e.clientId === f.clientId) &&
    (f.types === undefined || f.types.includes(e.type)) &&
    (f.from === undefined || e.at >= f.from) &&
    (f.to === undefined || e.at <= f.to) &&
    (f.before === undefined || e.id < f.before) &&
    (f.after === undefined || e.id > f.after)
  );
}

export function memoryAudit(): AuditStore {
  let events: StoredAuditEvent[] = [];
  let nextId = 1;
  return {
    async record(event) {
      const stored: StoredAuditEvent = { id: nextId++, ...clone(event) };
      for (const key of ['accountId', 'clientId', 'actor', 'address', 'detail'] as const)
        if (stored[key] === undefined) delete stored[key];
      if (stored.detail && Object.keys(stored.detail).length === 0) delete stored.detail;
      events.push(stored);
    },
    async list(filter) {
      const found = events.filter((e) => matches(e, filter));
      if (filter.after === undefined) found.reverse();
      return found.slice(0, Math.max(0, Math.floor(filter.limit))).map(clone);
    },
    async purge(before) {
      const kept = events.filter((e) => e.at >= before);
      const removed = events.length - kept.length;
      events = kept;
      return removed;
    },
  };
}
