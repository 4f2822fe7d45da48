/** Asserting that a promise rejects, as chai's `to.throw` does for a function that throws. */
import { expect } from 'chai';

/** Awaits `promise` and expects it to reject with an Error whose message contains (or matches) `message`; returns that error. */
export async function expectRejection(promise: Promise<unknown>, message: string | RegExp): Promise<Error> {
  let error: Error | undefined;
  try {
    await promise;
  } catch (caught) {
    error = caught as Error;
  }
  expect(error, 'rejected').to.be.instanceOf(Error);
  if (typeof message === 'string') expect(error!.message).to.contain(message);
  else expect(error!.message).to.match(message);
  return error!;
}
