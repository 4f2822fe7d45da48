/**
 * The README's pictures (`npx tsx scripts/readme-images.ts`): two tiny real runs on synthetic
 * data (MoCo alone, and MoCo with ReKD's relation loss and an online teacher; about a minute on
 * two cores), their `rekdc compare` page screenshot in headless Chromium, and the ReKD run's
 * loss plot from its report, as PNG files in docs/images/. The runs go to a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { chromiumMissing, screenshot } from '../test/compare/chromium.ts';

const ROOT = path.join(import.meta.dirname, '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const REKDC = path.join(ROOT, 'bin', 'rekdc.js');

const common = `
  seed = 3
  backend = wasm
  threads = 1
  batch_size = 32
  log_every = 2
  data synthetic { classes = 4, size = 16, channels = 1, count = 512, test_count = 128 }
  augment { random_resized_crop { size = 16, scale = 0.5 .. 1.0 } horizontal_flip {} }
  student alexnet { width = 0.25, embed = 16 }
  schedule cosine { epochs = 6, warmup_epochs = 1 }
  eval { linear { epochs = 5 } knn { k = 5, subset = 128 } collapse { neighbours = 5 } }`;

const FILE = `// The README's comparison: MoCo alone against MoCo with ReKD (scripts/readme-images.ts).
experiment moco {${common}
  loss { instance moco { queue = 128 } }
}

experiment rekd {${common}
  teacher resnet18 { width = 0.25, embed = 16, mode = online, queue = 128 }
  loss {
    instance moco { queue = 128 }
    relation rekd { prototypes = 8 }
  }
}
`;

function rekdc(cwd: string, args: string[]): string {
  const result = spawnSync(process.execPath, [REKDC, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`rekdc ${args.join(' ')} exited with ${result.status}`);
  return result.stdout;
}

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) throw new Error(`the screenshot needs Chromium: ${missing}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-readme-'));
  try {
    fs.writeFileSync(path.join(work, 'readme.rekd'), FILE);
    const runs = ['moco', 'rekd'].map((name) => (JSON.parse(rekdc(work, ['run', 'readme.rekd', name, '--format', 'json'])) as { run_dir: string }).run_dir);
    rekdc(work, ['compare', ...runs, '--out', 'compare.html']);
    fs.mkdirSync(IMAGES, { recursive: true });
    screenshot(path.join(work, 'compare.html'), path.join(IMAGES, 'compare.png'), { width: 1200, height: 1900 });
    await sharp(path.join(work, runs[1], 'plots', 'losses.svg'), { density: 144 }).png().toFile(path.join(IMAGES, 'report-losses.png'));
    process.stderr.write(`wrote ${path.join(IMAGES, 'compare.png')} and ${path.join(IMAGES, 'report-losses.png')}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
