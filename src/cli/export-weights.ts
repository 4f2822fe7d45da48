/**
 * `rekdc export-weights <run> --to torch`: a run's student (or a teacher stage's or a teacher
 * file's encoder) as a state dict of its PyTorch twin in bench/reference/models.py
 * (runtime/train/torch-weights.ts does the work).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';

export const exportWeights = defineCommand({
  name: 'export-weights',
  operands: '<run-dir | stage-dir | teacher-file>',
  count: [1, 1],
  summary: 'write a run\'s student weights (or a teacher\'s) as a PyTorch state dict of its twin in bench/reference/models.py (safetensors)',
  options: {
    to: { kind: 'choice', choices: ['torch'], help: 'the framework whose names and layouts the file takes (required)' },
    out: { kind: 'text', short: 'o', value: 'file', help: 'the file to write (default <name>.torch.safetensors)' },
  },
  run: ({ operands: [source], options }) => exportCommand(source, options.to, options.out),
});

async function exportCommand(source: string, to: string | undefined, out: string | undefined): Promise<number> {
  if (to === undefined) throw new UsageError('export-weights needs --to torch (the framework to write for)');
  const { initBackend } = await import('../runtime/backend.ts');
  await initBackend('wasm', { log: () => {} });
  const { exportTorchWeights } = await import('../runtime/train/torch-weights.ts');
  const file = out ?? `${path.basename(path.resolve(source)).replace(/\.(teacher\.)?ckpt$/, '')}.torch.safetensors`;
  const { encoder, tensors } = await exportTorchWeights(source, file);
  const article = /^[aeiou]/.test(encoder.kind) ? 'an' : 'a';
  process.stdout.write(
    `wrote ${file}: ${tensors} tensors of ${article} ${encoder.kind} (width ${encoder.width}, embed ${encoder.embed}, hidden ${encoder.hidden}, ` +
      `input channels ${encoder.in_channels}) under PyTorch names; load it with ${path.relative(process.cwd(), TORCH_LOADER)} (load_encoder)\n`,
  );
  return 0;
}

/** The Python loader of these files, in this package (shipped with it, beside models.py, the twins it builds). */
const TORCH_LOADER = fileURLToPath(new URL('../../bench/reference/rekd_torch.py', import.meta.url));
