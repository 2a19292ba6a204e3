// Config revisions port: immutable committed snapshots, the current one live on every node.
import type { Snapshot } from '../../config/schema.ts';

export interface Revision {
  id: number;
  parent: number | null;
  author: string;
  message: string;
  createdAt: number;
  snapshot: Snapshot;
}

export interface NewRevision {
  /** The revision this one was built on; the commit fails with ConflictError when it is no longer current. */
  parent: number | null;
  author: string;
  message: string;
  createdAt: number;
  snapshot: Snapshot;
}

export interface ConfigStore {
  current(): Promise<Revision | undefined>;
  /** Id of the current revision: cheap enough to poll. */
  currentId(): Promise<number | null>;
  commit(revision: NewRevision): Promise<Revision>;
  list(limit: number): Promise<Omit<Revision, 'snapshot'>[]>;
  get(id: number): Promise<Revision | undefined>;
  /**
   * Engines that can push (PostgreSQL LISTEN/NOTIFY) call back when any node commits; the rest are
   * polled through currentId(). Resolves to a function that stops watching.
   */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
}
