/** Go to definition: an `import` goes to the file, an `extends` or `of` base to the experiment it names. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver';
import type { Analysis } from './analysis.ts';
import { nameUri } from './analysis.ts';
import { rangeOf, spanRange } from './diagnostics.ts';
import { locate } from './locate.ts';

export function definition(analysis: Analysis, offset: number): Location | null {
  const { files, sources } = analysis.program;
  const located = locate(files[0], offset);
  if (located?.type === 'import') {
    const target = path.resolve(path.dirname(analysis.file), located.node.path);
    return { uri: pathToFileURL(target).href, range: rangeOf('', 0, 0) };
  }
  if (located?.type !== 'base') return null;
  for (const file of files) {
    const experiment = file.experiments.find((e) => e.name.text === located.name.text);
    if (experiment) return { uri: file === files[0] ? analysis.uri : nameUri(file.file), range: spanRange(experiment.name.span, sources.get(file.file) ?? '') };
  }
  return null;
}
