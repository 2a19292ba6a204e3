// Runs the storage contract against the in-memory store.
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { storeContract } from './store-contract.ts';

storeContract('memory', async () => createMemoryStore());
