// SQLite ConfigStore: immutable revisions; a commit lands only on the revision it was built on.
import type Database from 'better-sqlite3';
import { ConflictError } from '../ports/errors.ts';
import type { ConfigStore, NewRevision } from '../ports/index.ts';
import { type Row, toRevision, toRevisionMeta } from './rows.ts';

export function createSqliteConfig(db: Database.Database): ConfigStore {
  const q = {
    current: db.prepare('SELECT * FROM config_revisions ORDER BY id DESC LIMIT 1'),
    currentId: db.prepare('SELECT max(id) AS id FROM config_revisions'),
    insert: db.prepare(
      'INSERT INTO config_revisions (id, parent, author, message, created_at, snapshot) VALUES (@id, @parent, @author, @message, @createdAt, @snapshot)',
    ),
    list: db.prepare(
      'SELECT id, parent, author, message, created_at FROM config_revisions ORDER BY id DESC LIMIT ?',
    ),
    get: db.prepare('SELECT * FROM config_revisions WHERE id = ?'),
  };
  const currentId = () => ((q.currentId.get() as Row)['id'] as number | null) ?? null;
  const commit = db.transaction((revision: NewRevision) => {
    const current = currentId();
    if (revision.parent !== current) {
      throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
    }
    const id = (current ?? 0) + 1;
    q.insert.run({ ...revision, id, snapshot: JSON.stringify(revision.snapshot) });
    return { ...revision, id };
  });

  return {
    async current() {
      const row = q.current.get() as Row | undefined;
      return row && toRevision(row);
    },
    async currentId() {
      return currentId();
    },
    async commit(revision) {
      return commit.immediate(revision);
    },
    async list(limit) {
      return (q.list.all(limit) as Row[]).map(toRevisionMeta);
    },
    async get(id) {
      const row = q.get.get(id) as Row | undefined;
      return row && toRevision(row);
    },
  };
}
