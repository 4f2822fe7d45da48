import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeUnfinishedWrites, WriteError, writeFileAtomic } from '../../src/runtime/run/atomic.ts';
import { droppedBytes, fullDisk, shortWrites, withWrites } from './disk-faults.ts';

/** A folder holding `file` with the content 'old', and a new content larger than any fault's limit. */
function withOldFile(): { dir: string; file: string; data: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-atomic-'));
  const file = path.join(dir, 'latest.ckpt');
  fs.writeFileSync(file, 'old');
  return { dir, file, data: Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251)) };
}

describe('atomic writes under disk faults', () => {
  it('continues short writes until every byte is on disk', async () => {
    const { dir, file, data } = withOldFile();
    await withWrites(shortWrites(999), () => writeFileAtomic(file, data));
    expect(fs.readFileSync(file).equals(data)).to.equal(true);
    expect(fs.readdirSync(dir)).to.deep.equal(['latest.ckpt']);
  });

  it('on a full disk leaves the previous file untouched, removes the temp file and names the file and what to do', async () => {
    const { dir, file, data } = withOldFile();
    let failure: unknown;
    await withWrites(fullDisk(4096), () => {
      try { writeFileAtomic(file, data); } catch (error) { failure = error; }
    });
    expect(failure).to.be.instanceOf(WriteError);
    expect((failure as WriteError).message).to.equal(`cannot write ${file}: no space left on the device; free some space, then run the same command again`);
    expect((failure as WriteError).code).to.equal('ENOSPC');
    expect(fs.readFileSync(file, 'utf8')).to.equal('old');
    expect(fs.readdirSync(dir)).to.deep.equal(['latest.ckpt']);
  });

  it('refuses a write that reports success but left fewer bytes, and one that wrote nothing', async () => {
    const { dir, file, data } = withOldFile();
    await withWrites(droppedBytes(10), () => {
      expect(() => writeFileAtomic(file, data)).to.throw(WriteError, `cannot write ${file}: 9990 bytes on disk, 10000 written; is the disk full?`);
    });
    await withWrites(() => 0, () => {
      expect(() => writeFileAtomic(file, data)).to.throw(WriteError, /the system wrote no bytes at offset 0 of 10000/);
    });
    expect(fs.readFileSync(file, 'utf8')).to.equal('old');
    expect(fs.readdirSync(dir)).to.deep.equal(['latest.ckpt']);
  });

  it('refuses a file whose content read back differs from what was written', async () => {
    const { file, data } = withOldFile();
    // Same length, one byte changed on the way to the disk.
    const flipOne: Parameters<typeof withWrites>[0] = (fd, bytes, offset, length) => {
      const copy = Buffer.from(bytes.subarray(offset, offset + length));
      copy[0] ^= 1;
      return fs.writeSync(fd, copy);
    };
    await withWrites(flipOne, () => {
      expect(() => writeFileAtomic(file, data)).to.throw(WriteError, 'read back differs from what was written');
    });
    expect(fs.readFileSync(file, 'utf8')).to.equal('old');
  });

  it('keeps the replaced file under the previous name only once the new one is verified', async () => {
    const { dir, file, data } = withOldFile();
    const previous = path.join(dir, 'previous.ckpt');
    await withWrites(fullDisk(10), () => {
      expect(() => writeFileAtomic(file, data, { previous })).to.throw(WriteError);
    });
    expect(fs.readdirSync(dir)).to.deep.equal(['latest.ckpt']);
    writeFileAtomic(file, data, { previous });
    expect(fs.readFileSync(previous, 'utf8')).to.equal('old');
    expect(fs.readFileSync(file).equals(data)).to.equal(true);
  });

  it('removes the temp files of writes a killed process left, and nothing else', () => {
    const { dir } = withOldFile();
    for (const name of ['.latest.ckpt.4242.tmp', '.status.json.7.tmp', 'notes.tmp', '.hidden']) fs.writeFileSync(path.join(dir, name), 'x');
    removeUnfinishedWrites(dir);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['.hidden', 'latest.ckpt', 'notes.tmp']);
  });

  it('reports a folder that cannot be created as a WriteError naming the file', () => {
    const { file } = withOldFile();
    const inside = path.join(file, 'x.json'); // latest.ckpt is a file, not a folder
    expect(() => writeFileAtomic(inside, '{}')).to.throw(WriteError, `cannot write ${inside}: a file is in the way of that folder; move the file away or choose another location`);
  });
});
