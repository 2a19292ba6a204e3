// RFC 8628 §6.1 user codes: the alphabet, the shape, lenient reading of what a person types.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cryptoRandom } from '../../../src/shared/random.ts';
import {
  formatUserCode,
  generateUserCode,
  hashUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from '../../../src/shared/user-code.ts';

describe('user codes (RFC 8628 §6.1)', () => {
  test('a generated code is 8 letters from the alphabet without vowels, 0/O or 1/I look-alikes', () => {
    for (let i = 0; i < 200; i++) assert.match(generateUserCode(cryptoRandom), /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    assert.doesNotMatch(USER_CODE_ALPHABET, /[AEIOUY01]/);
  });

  test('every letter of the alphabet is drawn about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++)
      for (const c of generateUserCode(cryptoRandom)) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, USER_CODE_ALPHABET.length);
    // 16,000 letters over 20: 800 expected each; 600..1000 is more than 7 standard deviations.
    for (const [letter, n] of counts) assert.ok(n > 600 && n < 1000, `${letter}: ${n}`);
  });

  test('the code is shown as XXXX-XXXX', () => {
    assert.equal(formatUserCode('BCDFGHJK'), 'BCDF-GHJK');
  });

  test('what a person types is read in any case, with or without the dash or spaces', () => {
    for (const typed of ['BCDF-GHJK', 'bcdf-ghjk', 'bcdfghjk', ' bcdf ghjk ', 'Bc-Df-Gh-Jk'])
      assert.equal(normalizeUserCode(typed), 'BCDFGHJK', typed);
  });

  test('anything that cannot be a code is refused before it reaches the store', () => {
    for (const typed of [
      '',
      'BCDF-GHJ',
      'BCDF-GHJKL',
      'ABCD-EFGH',
      'BCDF\u0000GHJK',
      'B'.repeat(33),
      'bcdf-ghj1',
    ])
      assert.equal(normalizeUserCode(typed), undefined, JSON.stringify(typed));
  });

  test('the stored form is a hash, not the code', () => {
    const hash = hashUserCode('BCDFGHJK');
    assert.match(hash, /^[A-Za-z0-9_-]{20,}$/);
    assert.ok(!hash.includes('BCDFGHJK'));
    assert.notEqual(hashUserCode('BCDFGHJL'), hash);
  });
});
