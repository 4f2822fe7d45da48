/** Shared assertion of the data tests: a promise rejects with a DataError naming the culprit. */
import { expect } from 'chai';
import { DataError } from '../../src/runtime/data/dataset.ts';

export async function expectDataError(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(DataError);
    expect((error as Error).message).to.include(message);
    return;
  }
  expect.fail(`expected a DataError including: ${message}`);
}
