// Runs the AdminStore contract against the in-memory store.
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { adminContract } from './admin-contract.ts';

adminContract('memory', async () => createMemoryStore());
