/**
 * One of the two processes of the run lock race test: on 'take' it tries to take the lock of the
 * folder given as its argument and answers whether it did (or who holds it); on 'release' it lets
 * go of a lock it took. An uncaught error ends it, which the test sees.
 */
import { RunLock } from '../../src/runs/lock.ts';

const dir = process.argv[2];
let lock: RunLock | undefined;
process.on('message', (message) => {
  if (message === 'take') {
    const taken = RunLock.acquire(dir);
    lock = taken instanceof RunLock ? taken : undefined;
    process.send!(taken instanceof RunLock ? { took: true } : { took: false, heldBy: taken.heldBy.pid });
  } else if (message === 'release') {
    lock?.release();
    lock = undefined;
    process.send!({ released: true });
  }
});
process.send!({ ready: true });
