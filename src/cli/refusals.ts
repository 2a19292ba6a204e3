// How the config CLI reports a refused admin operation: the reason, then every problem with its path.
import { AdminError } from '../admin/errors.ts';
import { fail } from './common.ts';

export async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    const lines = [error.message, ...error.issues.map((i) => `  ${i.path ? `${i.path}: ` : ''}${i.message}`)];
    return fail(lines.join('\n'));
  }
}
