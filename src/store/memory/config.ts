// Memory ConfigStore: immutable revisions; a commit lands only on the revision it was built on.
import { ConflictError } from '../ports/errors.ts';
import type { ConfigStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memoryConfig(state: MemoryState): ConfigStore {
  return {
    async current() {
      const last = state.revisions.at(-1);
      return last && clone(last);
    },
    async currentId() {
      return state.revisions.at(-1)?.id ?? null;
    },
    async commit(revision) {
      const current = state.revisions.at(-1)?.id ?? null;
      if (revision.parent !== current) {
        throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
      }
      const stored = { ...clone(revision), id: (current ?? 0) + 1 };
      state.revisions.push(stored);
      return clone(stored);
    },
    async list(limit) {
      return state.revisions
        .slice(limit > 0 ? -limit : state.revisions.length)
        .reverse()
        .map(({ snapshot: _, ...meta }) => meta);
    },
    async get(id) {
      const found = state.revisions.find((r) => r.id === id);
      return found && clone(found);
    },
  };
}
