/**
 * Code generation: golden programs for experiments/, determinism, imports, injection-proof
 * strings, and the type check that guards every program before it runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { compileSource, type ResolvedExperiment } from '../../src/compiler.ts';
import { programsOf } from '../../src/codegen/experiments.ts';
import { dataFingerprint, generateProgram, runId, runtimeFingerprint, sourceFingerprint, typeCheckProgram } from '../../src/codegen/index.ts';
import { objectiveSettings, pretrainSettings, settingsValues } from '../../src/codegen/settings.ts';
import type { Loss } from '../../src/schema/types.generated.ts';

/** A small experiment whose two strings (data path, teacher checkpoint) the tests choose. */
const experimentText = (dataPath: string, checkpoint: string): string => `
experiment strings {
  data image_folder { path = ${dataPath} }
  teacher resnet18 { width = 0.25, mode = offline, checkpoint = ${checkpoint} }
  student alexnet { width = 0.25 }
  loss {
    instance moco {}
    relation rekd {}
  }
  optimizer sgd {}
  schedule cosine { epochs = 1 }
}
`;

function only(text: string, file = 'strings.rekd'): ResolvedExperiment {
  const result = compileSource(text, file);
  expect(result.diagnostics.filter((d) => d.severity === 'error'), 'the test experiment checks clean').to.deep.equal([]);
  expect(result.experiments.size).to.equal(1);
  return [...result.experiments.values()][0];
}

function programOf(text: string, file = 'strings.rekd'): string {
  return generateProgram(only(text, file), file, text).text;
}

/** Every node kind of the program in order: code that differs in anything but literal values differs here. */
function shape(program: string): string[] {
  const kinds: string[] = [];
  const visit = (node: ts.Node) => {
    kinds.push(ts.SyntaxKind[node.kind]);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('p.ts', program, ts.ScriptTarget.ES2022, true));
  return kinds;
}

function stringLiterals(program: string): string[] {
  const values: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node)) values.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('p.ts', program, ts.ScriptTarget.ES2022, true));
  return values;
}

function runtimeImports(program: string): string[] {
  const match = /^import \{ (.*) \} from "rekd\/runtime";$/m.exec(program);
  return match ? match[1].split(', ') : [];
}

describe('codegen', () => {
  it('generated/ holds exactly the current programs of experiments/ (run `npm run generate` when this fails)', () => {
    const expected = programsOf('experiments');
    const committed = fs.readdirSync('generated', { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative('generated', path.join(entry.parentPath, entry.name)))
      .sort();
    expect(committed).to.deep.equal([...expected.keys()].sort());
    for (const [file, program] of expected) {
      expect(fs.readFileSync(path.join('generated', file), 'utf8'), `generated/${file} is stale`).to.equal(program.text);
    }
  });

  it('gives byte-identical output for the same input and names source, hash and compiler in the header', () => {
    const text = experimentText('"images"', '"teacher.ckpt"');
    const first = programOf(text);
    expect(programOf(text)).to.equal(first);
    expect(first).to.match(/^\/\*\*\n \* Experiment "strings", compiled by rekdc \d+\.\d+\.\d+\S* from "strings.rekd"\n \* \(sha256 of the source: [0-9a-f]{64}\)/);
    expect(programOf(`${text}\n// a comment changes the source hash\n`)).to.not.equal(first);
  });

  it('imports only the runtime pieces the experiment uses', () => {
    const offline = runtimeImports(programOf(experimentText('"images"', '"teacher.ckpt"')));
    expect(offline).to.include('loadTeacherWeights');
    const quickstart = runtimeImports(fs.readFileSync('generated/quickstart/quickstart.mts', 'utf8'));
    expect(quickstart).to.not.include('loadTeacherWeights');
    expect(quickstart).to.include.members(['train', 'evaluate', 'createEncoder', 'loadDataset']);
    expect(quickstart, 'sorted').to.deep.equal([...quickstart].sort((a, b) => a.replace('type ', '').toLowerCase().localeCompare(b.replace('type ', '').toLowerCase())));
  });

  it('builds no teacher that no relation term reads (RK0508): nothing to load, pretrain or train', () => {
    const used = programOf(experimentText('"images"', '"teacher.ckpt"'));
    expect(used).to.include('teacherEncoder');
    for (const teacher of ['mode = offline, checkpoint = "teacher.ckpt"', 'mode = offline, pretrain { epochs = 3 }', 'mode = online']) {
      const text = experimentText('"images"', '"teacher.ckpt"').replace('    relation rekd {}\n', '')
        .replace('mode = offline, checkpoint = "teacher.ckpt"', teacher);
      const unused = programOf(text);
      expect(unused, teacher).to.not.include('teacherEncoder');
      expect(runtimeImports(unused), teacher).to.not.include.members(['loadTeacherWeights', 'pretrainTeacher']);
    }
  });

  it('builds the untrained floor\'s student with the function that built the run\'s student, only when floors are on', () => {
    const withEval = (evaluation: string) => programOf(experimentText('"images"', '"teacher.ckpt"')
      .replace('schedule cosine { epochs = 1 }', `schedule cosine { epochs = 1 }\n  ${evaluation}`));
    const floored = programOf(experimentText('"images"', '"teacher.ckpt"'));
    expect(floored).to.match(/const initialStudent = \(\) => createEncoder\(\{[^}]*rng: rng\.fork\("student"\),\n {2}\}\);\n {2}const student = initialStudent\(\);/);
    expect(floored).to.match(/evaluate\(\{[^]*floors: \{ initialStudent \},\n {2}\}\);/);
    expect(withEval('eval { knn {} }')).to.include('floors: { initialStudent }');
    for (const off of ['eval { linear {}, knn {}, floors = false }', 'eval { collapse {} }']) {
      const program = withEval(off);
      expect(program, off).to.not.include('initialStudent');
      expect(program, off).to.match(/const student = createEncoder\(\{[^}]*rng: rng\.fork\("student"\),/);
    }
  });

  it('writes user strings as literals of the same value: quotes, backticks, ${...}, $&, newlines and */ change no code', () => {
    const nasty = 'q"uote `tick` ${process.exit(1)} new\nline */ end \\ back \u2028 $& $\' $` $$';
    const nastier = '"); process.exit(3); ("*/`${1}`';
    const benign = programOf(experimentText('"images"', '"teacher.ckpt"'));
    const hostileText = experimentText(JSON.stringify(nasty), JSON.stringify(nastier));
    const hostile = programOf(hostileText);
    expect(shape(hostile)).to.deep.equal(shape(benign));
    // The compiler keeps these paths as written (they are relative to a file in the working directory).
    const resolved = only(hostileText);
    expect([resolved.data.kind === 'image_folder' && resolved.data.path, resolved.teacher?.checkpoint]).to.deep.equal([nasty, nastier]);
    const values = stringLiterals(hostile);
    // Once, in the resolved experiment the calls read it from.
    expect(values.filter((v) => v === nasty)).to.have.length(1);
    expect(values.filter((v) => v === nastier)).to.have.length(1);
    expect(hostile).to.include('path: experiment.data.path,').and.include('loadTeacherWeights(teacherEncoder, experiment.teacher.checkpoint);');
  });

  it('keeps a hostile source file name inside the header comment', () => {
    const file = 'x*/process.exit(1)/*\n.rekd';
    const text = experimentText('"images"', '"teacher.ckpt"');
    const hostile = programOf(text, file);
    expect(shape(hostile)).to.deep.equal(shape(programOf(text)));
    const comments = ts.getLeadingCommentRanges(hostile, 0) ?? [];
    expect(comments).to.have.length(1);
    expect(hostile.slice(comments[0].pos, comments[0].end)).to.include('x*\\/process.exit(1)/*\\n.rekd');
  });

  it('maps the key queue from instance moco, or its METHOD.md defaults without one', () => {
    const objective = (loss: Loss) => settingsValues(objectiveSettings(loss), { loss } as ResolvedExperiment);
    const relationOnly = objective({
      instance: null, supervised: null,
      relation: { kind: 'seed', weight: 0.5, student_temperature: 0.2, teacher_temperature: 0.01 },
    });
    expect(relationOnly).to.deep.equal({
      queue: 4096, momentum: 0.99,
      relation: { kind: 'seed', weight: 0.5, studentTemperature: 0.2, teacherTemperature: 0.01 },
    });
    const withInstance = objective({
      instance: { kind: 'moco', weight: 1, temperature: 0.3, queue: 512, momentum: 0.9, symmetric: true, bn_groups: 1 },
      relation: null, supervised: { weight: 2 },
    });
    expect(withInstance).to.deep.equal({
      queue: 512, momentum: 0.9, instance: { weight: 1, temperature: 0.3, symmetric: true, bnGroups: 1 }, supervised: { weight: 2 },
    });
  });

  it('writes each value once, in the resolved experiment, and reads it from there in the calls', () => {
    const program = fs.readFileSync('generated/quickstart/quickstart.mts', 'utf8');
    const experiment = /^const experiment = (\{[^]*?\n\}) as const;$/m.exec(program)![1];
    const calls = program.slice(program.indexOf('await runProgram('));
    // The queue and momentum of teacher and instance term: in the experiment only.
    expect(experiment.match(/queue: 4096/g)).to.have.length(2);
    expect(calls).to.not.match(/4096|0\.99|"rekd"|"sgd"|"fashion_mnist"/);
    expect(calls).to.include('queue: experiment.teacher.queue,').and.include('queue: experiment.loss.instance.queue,')
      .and.include('reseedAfter: experiment.loss.relation.reseed_after,').and.include('trainSize: experiment.data.train_size,');
    // Every number in the calls is a read's, not a setting's (the only literals left are names).
    expect(calls.match(/\b\d+(\.\d+)?\b/g) ?? []).to.deep.equal([]);
  });

  it('gives a run id that changes with any setting and with the compiler version', () => {
    const experiment = only(experimentText('"images"', '"teacher.ckpt"'));
    const id = runId(experiment, '1.0.0');
    expect(id).to.match(/^[0-9a-f]{12}$/);
    expect(runId(structuredClone(experiment), '1.0.0')).to.equal(id);
    expect(runId({ ...experiment, seed: experiment.seed + 1 }, '1.0.0')).to.not.equal(id);
    expect(runId(experiment, '1.0.1')).to.not.equal(id);
    // The name computes nothing: the same settings under another name are the same run (runs/reuse.ts).
    expect(runId({ ...experiment, name: 'renamed' }, '1.0.0')).to.equal(id);
  });

  it('leaves the thread count out of the run id (same bits at any count) and passes it to initBackend', () => {
    const experiment = only(experimentText('"images"', '"teacher.ckpt"'));
    expect(experiment.threads).to.equal(0);
    expect(runId({ ...experiment, threads: 2 }, '1.0.0')).to.equal(runId(experiment, '1.0.0'));
    expect(programOf(experimentText('"images"', '"teacher.ckpt"'))).to.include('await initBackend(experiment.backend);');
    const withThreads = generateProgram({ ...experiment, threads: 3 }, 'x.rekd', '').text;
    expect(withThreads).to.include('\n  threads: 3,\n').and.include('await initBackend(experiment.backend, { threads: experiment.threads });');
  });

  it("passes a teacher pretrain recipe to the runtime: its own values, else the teacher block's and the experiment's", () => {
    const withPretrain = (pretrain: string) => `
experiment stage {
  batch_size = 64
  data synthetic {}
  teacher resnet18 { width = 0.25, mode = offline, temperature = 0.3, queue = 512, pretrain { ${pretrain} } }
  student alexnet { width = 0.25 }
  loss { relation rekd {} }
  optimizer adamw { lr = 0.002, weight_decay = 0.1 }
  schedule cosine { epochs = 1 }
}
`;
    const adamw = { kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const defaulted = only(withPretrain('epochs = 3'));
    const recipe = (experiment: ResolvedExperiment) => settingsValues(pretrainSettings(experiment.teacher!.pretrain!, experiment.optimizer), experiment);
    expect(recipe(defaulted)).to.deep.equal({
      epochs: 3, warmupEpochs: 0, batchSize: 64, seed: 0,
      instance: { temperature: 0.3, queue: 512, momentum: 0.99, symmetric: false, bnGroups: 1 },
      optimizer: { ...adamw, lr: 0.002, weightDecay: 0.1 },
    });
    const ownText = withPretrain(
      'epochs = 3, warmup_epochs = 1, lr = 0.5, weight_decay = 0, batch_size = 256, symmetric = true, temperature = 0.1, queue = 1024, momentum = 0.999, seed = 11',
    );
    const own = only(ownText);
    const settings = {
      epochs: 3, warmupEpochs: 1, batchSize: 256, seed: 11,
      instance: { temperature: 0.1, queue: 1024, momentum: 0.999, symmetric: true, bnGroups: 1 },
      optimizer: { ...adamw, lr: 0.5, weightDecay: 0 },
    };
    expect(recipe(own)).to.deep.equal(settings);
    // The program's call, and the frozen teacher's kNN in the student's evaluation (also with a checkpoint).
    // The program's call reads the stage's own values, or those it falls back to.
    const call = (text: string) => /await pretrainTeacher\(\{([\s\S]*?)\n {2}\}\);/.exec(programOf(text, 'stage.rekd'))![1];
    expect(call(ownText)).to.contain('epochs: experiment.teacher.pretrain.epochs,\n    warmupEpochs: experiment.teacher.pretrain.warmup_epochs,')
      .and.contain('temperature: experiment.teacher.pretrain.temperature,').and.contain('seed: experiment.teacher.pretrain.seed,')
      .and.contain('lr: experiment.teacher.pretrain.lr,').and.contain('weightDecay: experiment.teacher.pretrain.weight_decay,')
      .and.contain('loader: { batchSize: experiment.teacher.pretrain.batch_size, augment: experiment.augment }');
    expect(call(withPretrain('epochs = 3'))).to.contain('temperature: experiment.teacher.temperature,').and.contain('seed: experiment.seed,')
      .and.contain('lr: experiment.optimizer.lr,').and.contain('weightDecay: experiment.optimizer.weight_decay,')
      .and.contain('loader: { batchSize: experiment.batch_size, augment: experiment.augment }');
    // The frozen teacher's kNN in the student's evaluation (also with a checkpoint).
    for (const text of [ownText, experimentText('"images"', '"teacher.ckpt"')]) {
      expect(/ {2}await evaluate\(\{[\s\S]*?\n {2}\}\);/.exec(programOf(text))![0]).to.contain('teacher: teacherEncoder,');
    }
  });

  it('gives another run id when the runtime code changes, so no run resumes from other code', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-runtime-'));
    fs.mkdirSync(path.join(dir, 'nn'));
    fs.writeFileSync(path.join(dir, 'nn', 'alexnet.ts'), 'export const stride = 1;');
    const before = sourceFingerprint(dir);
    expect(sourceFingerprint(dir)).to.equal(before);
    const experiment = only(experimentText('"images"', '"teacher.ckpt"'));
    const id = runId(experiment, '1.0.0', null, before);
    fs.writeFileSync(path.join(dir, 'nn', 'alexnet.ts'), 'export const stride = 2;');
    const after = sourceFingerprint(dir);
    expect(after).to.not.equal(before);
    expect(runId(experiment, '1.0.0', null, after)).to.not.equal(id);
    expect(runtimeFingerprint()).to.equal(sourceFingerprint(path.resolve('src/runtime')));
  });

  it('keeps ts-morph off the start-up path: the CLI reaches the code generator only through import()', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
      for (const statement of source.statements) {
        if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
        // `import type` is erased: it loads nothing at start-up.
        if (ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly : statement.isTypeOnly) continue;
        const specifier = statement.moduleSpecifier && (statement.moduleSpecifier as ts.StringLiteral).text;
        if (!specifier) continue;
        expect(specifier, `${file} imports ts-morph statically`).to.not.equal('ts-morph');
        if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      }
    };
    visit(path.resolve('src/cli/main.ts'));
    expect([...seen].some((file) => file.includes(`${path.sep}cli${path.sep}run.ts`)), 'the walk reached run.ts').to.equal(true);
    expect([...seen].filter((file) => file.includes(`${path.sep}codegen${path.sep}`))).to.deep.equal([]);
  });

  it('fingerprints a data set read from a path by its files, so changed data gives another run id', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-data-'));
    fs.mkdirSync(path.join(dir, 'cat'));
    fs.writeFileSync(path.join(dir, 'cat', 'a.png'), 'one');
    const experiment = only(experimentText(JSON.stringify(dir), '"teacher.ckpt"'));
    const before = dataFingerprint(experiment.data);
    expect(before).to.match(/^[0-9a-f]{64}$/);
    expect(dataFingerprint(experiment.data)).to.equal(before);
    const id = runId(experiment);
    fs.writeFileSync(path.join(dir, 'cat', 'b.png'), 'two');
    expect(dataFingerprint(experiment.data)).to.not.equal(before);
    expect(runId(experiment)).to.not.equal(id);
    expect(dataFingerprint({ kind: 'synthetic', classes: 2, size: 8, channels: 1, count: 4, test_count: 2 })).to.equal(null);
  });

  it('type-checks a program against the runtime and locates what is wrong', function () {
    this.timeout(120_000);
    const good = fs.readFileSync('generated/quickstart/quickstart.mts', 'utf8');
    expect(typeCheckProgram(good, 'generated/quickstart/quickstart.mts')).to.deep.equal([]);
    // A string where the runtime takes a number: reported where the call reads it.
    const broken = good.replace('batch_size: 128,', 'batch_size: "128",');
    const problems = typeCheckProgram(broken, 'generated/quickstart/quickstart.mts');
    expect(problems).to.have.length(1);
    const line = broken.split('\n').findIndex((l) => l.includes('batchSize: experiment.batch_size')) + 1;
    expect(problems[0].line).to.equal(line);
    expect(problems[0].message).to.match(/string.*number/);
  });
});
