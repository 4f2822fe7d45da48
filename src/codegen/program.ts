/**
 * The generated program: a readable TypeScript module that imports only the runtime pieces its
 * experiment uses from 'rekd/runtime' and composes them in plain code (data, models, training
 * loop call, evaluation) for the run directory given as its first argument. Deterministic: the
 * same experiment and source give byte-identical text.
 */
import { IndentationText, NewLineKind, Project, QuoteKind } from 'ts-morph';
import type { ResolvedExperiment, Teacher } from '../schema/types.generated.ts';
import { code, literal, type Literal } from './literal.ts';
import {
  dataSettings, encoderSettings, knnMonitorSettings, loaderSettings, objectiveSettings, onlineTeacherSettings,
  optimizerSettings, scheduleSettings,
} from './settings.ts';
import { compilerVersion } from './version.ts';

export const RUNTIME_MODULE = 'rekd/runtime';

export interface ProgramSource {
  /** Display name of the .rekd file (as diagnostics show it). */
  file: string;
  /** sha256 (hex) of the file's text. */
  hash: string;
}

/** Text that goes inside a block comment: quoted like a string and unable to close the comment. */
const commentText = (text: string): string => JSON.stringify(text).replace(/\*\//g, '*\\/');

/** Runtime names the program calls, collected while its statements are written. */
class Imports {
  private readonly names = new Set<string>();

  use(name: string): string {
    this.names.add(name);
    return name;
  }

  sorted(): string[] {
    return [...this.names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
  }
}

const statement = (text: string, value: Literal, indent = 2): string => text.replace('$', literal(value, indent));

function teacherStatements(teacher: Teacher, seedName: string, rt: Imports): { lines: string[]; spec: Literal } {
  const encoder = { ...encoderSettings(teacher), inChannels: code('data.channels'), rng: code(`${seedName}.fork("teacher")`) };
  const lines = [statement(`const teacherEncoder = ${rt.use('createEncoder')}($);`, encoder)];
  if (teacher.mode === 'online') {
    return { lines, spec: { mode: 'online', encoder: code('teacherEncoder'), ...onlineTeacherSettings(teacher) } };
  }
  if (teacher.checkpoint !== null) {
    lines.push(`${rt.use('loadTeacherWeights')}(teacherEncoder, ${literal(teacher.checkpoint)});`);
  } else {
    throw new Error(`codegen: an offline teacher with a pretrain stage is not supported by the runtime yet`);
  }
  return { lines, spec: { mode: 'offline', encoder: code('teacherEncoder') } };
}

/** The body of `runProgram(async () => { ... })`, one statement per entry. */
function bodyStatements(experiment: ResolvedExperiment, rt: Imports): string[] {
  const seed = experiment.seed;
  const lines: string[] = [
    `const run = ${rt.use('openRunDirectory')}(runDir, { resolved });`,
    `await ${rt.use('initBackend')}(${literal(experiment.backend)});`,
    `const rng = new ${rt.use('Rng')}(${literal(seed)});`,
    '',
    '// Data: images and labels of the train and test splits.',
    `const data = await ${rt.use('loadDataset')}(${literal(dataSettings(experiment.data))}, { seed: ${literal(seed)} });`,
    '',
    '// Models: the student encoder (backbone + projection head) and the teacher.',
    statement(`const student = ${rt.use('createEncoder')}($);`,
      { ...encoderSettings(experiment.student), inChannels: code('data.channels'), rng: code('rng.fork("student")') }),
  ];
  const teacher = experiment.teacher && teacherStatements(experiment.teacher, 'rng', rt);
  if (teacher) lines.push(...teacher.lines);
  const training: { [key: string]: Literal | undefined } = {
    run: code('run'),
    data: code('data'),
    seed,
    loader: loaderSettings(experiment),
    student: code('student'),
    teacher: teacher?.spec,
    objective: objectiveSettings(experiment.loss),
    optimizer: optimizerSettings(experiment.optimizer),
    schedule: scheduleSettings(experiment.schedule),
    checkpointEvery: experiment.checkpoint_every,
    logEvery: experiment.log_every,
    knn: knnMonitorSettings(experiment.eval),
  };
  lines.push('', '// Training: resumes from the run directory\'s latest checkpoint when there is one.',
    statement(`const trained = await ${rt.use('train')}($);`, training));
  lines.push('', '// Evaluation of the trained student on the test split, then the report.',
    statement(`const results = await ${rt.use('evaluate')}($);`, {
      encoder: code('student'), data: code('data'), seed,
      linear: experiment.eval.linear ? camelEval(experiment.eval.linear) : undefined,
      knn: experiment.eval.knn ? { k: experiment.eval.knn.k, temperature: experiment.eval.knn.temperature } : undefined,
      collapse: experiment.eval.collapse ? { neighbours: experiment.eval.collapse.neighbours } : undefined,
    }),
    'run.writeEval(results);',
    'run.setStatus("finished", { step: trained.steps, epoch: trained.epochs });',
    `${rt.use('buildReport')}(run.dir);`);
  return lines;
}

const camelEval = (linear: NonNullable<ResolvedExperiment['eval']['linear']>): Literal => ({
  epochs: linear.epochs, lr: linear.lr, batchSize: linear.batch_size, weightDecay: linear.weight_decay,
});

/** The program of `experiment` compiled from `source`. */
export function buildProgram(experiment: ResolvedExperiment, source: ProgramSource): string {
  const rt = new Imports();
  const body = bodyStatements(experiment, rt);
  rt.use('runProgram');
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double, newLineKind: NewLineKind.LineFeed },
  });
  const file = project.createSourceFile('/program.ts');
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namedImports: rt.sorted() });
  file.addStatements([
    '',
    '/** The experiment as the compiler resolved it; the run directory keeps it as resolved.json. */',
    `const resolved = ${literal(experiment as unknown as Literal, 0)};`,
    '',
    'const runDir = process.argv[2];',
    'if (runDir === undefined) {',
    '  process.stderr.write("usage: node --import tsx <program> <run directory>\\n");',
    '  process.exit(2);',
    '}',
    '',
    `await runProgram(async () => {\n${body.map((line) => (line ? `  ${line}` : '')).join('\n')}\n});`,
  ].join('\n'));
  file.insertText(0, [
    '/**',
    ` * Experiment ${commentText(experiment.name)}, compiled by rekdc ${compilerVersion} from ${commentText(source.file)}`,
    ` * (sha256 of the source: ${source.hash}).`,
    ' *',
    ' * Generated code: edit the .rekd file and recompile (`rekdc compile`) rather than this file.',
    ' * Run it with `rekdc run`, or directly: node --import tsx <this file> <run directory>',
    ' */',
    '',
  ].join('\n'));
  return file.getFullText();
}
