// Runs the AdminStore contract against SQLite: a new database file in this suite's temp dir for every case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { adminContract } from './admin-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-admin-contract-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let opened = 0;
adminContract('sqlite', async () => openSqliteStore(join(dir, `admin-${++opened}.db`)));
