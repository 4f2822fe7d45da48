/**
 * The generated program: a readable TypeScript module that imports only the runtime pieces its
 * experiment uses from 'rekd/runtime' and composes them in plain code (data, models, training
 * loop call, evaluation) for the run directory given as its first argument. It opens with the
 * resolved experiment, typed `as const`, and every call reads its values from there (settings.ts),
 * so a value is written once. Deterministic: the same experiment and source give byte-identical text.
 */
import { IndentationText, NewLineKind, Project, QuoteKind } from 'ts-morph';
import type { ResolvedExperiment, Teacher } from '../schema/types.generated.ts';
import { code, literal, type Literal } from './literal.ts';
import {
  builtTeacher, dataSettings, encoderSettings, evaluationSettings, EXPERIMENT, knnMonitorSettings, objectiveSettings,
  onlineTeacherSettings, optimizerSettings, pretrainSettings, read, scheduleSettings,
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
  /** Whether the program needs `path` from node:path. */
  nodePath = false;

  /** `path` from node:path (teacher caches sit next to the run directory). */
  usePath(): string {
    this.nodePath = true;
    return 'path';
  }

  use(name: string): string {
    this.names.add(name);
    return name;
  }

  sorted(): string[] {
    return [...this.names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
  }
}

/** `text` with its `$` replaced by the literal (a function replacer: `$&` or `$'` in user strings stay text). */
const statement = (text: string, value: Literal, indent = 2): string => text.replace('$', () => literal(value, indent));

function teacherStatements(experiment: ResolvedExperiment, teacher: Teacher, rt: Imports): { lines: string[]; spec: Literal } {
  const encoder = { ...encoderSettings('teacher', teacher), inChannels: code('data.channels') };
  const rng = code('rng.fork("teacher")');
  const spec = { mode: read('teacher.mode'), encoder: code('teacherEncoder') };
  if (teacher.mode === 'online') {
    return {
      lines: [statement(`const teacherEncoder = ${rt.use('createEncoder')}($);`, { ...encoder, rng })],
      spec: { ...spec, ...onlineTeacherSettings(teacher) },
    };
  }
  if (teacher.checkpoint !== null) {
    return {
      lines: [
        statement(`const teacherEncoder = ${rt.use('createEncoder')}($);`, { ...encoder, rng, trainable: false }),
        `${rt.use('loadTeacherWeights')}(teacherEncoder, ${read('teacher.checkpoint').text});`,
      ],
      spec,
    };
  }
  // The compiler's checks guarantee an offline teacher has a checkpoint or a pretrain stage.
  const { batchSize, ...recipe } = pretrainSettings(teacher.pretrain!, experiment.optimizer);
  const pretrain = {
    cacheRoot: code(`${rt.usePath()}.join(path.dirname(runDir), "teachers")`),
    encoder,
    ...recipe,
    data: code('data'),
    loader: { batchSize, augment: read('augment') },
    logEvery: read('log_every'),
  };
  return { lines: [statement(`const teacherEncoder = await ${rt.use('pretrainTeacher')}($);`, pretrain)], spec };
}

/** The body of `runProgram({ runDir, resolved: experiment }, async (run) => { ... })`, one statement (or blank line) per entry. */
function bodyStatements(experiment: ResolvedExperiment, rt: Imports): string[] {
  const seed = read('seed');
  const augment = read('augment');
  const lines: string[] = [
    experiment.threads === 0
      ? `await ${rt.use('initBackend')}(${read('backend').text});`
      : `await ${rt.use('initBackend')}(${read('backend').text}, { threads: ${read('threads').text} });`,
    `const rng = new ${rt.use('Rng')}(${seed.text});`,
    '',
    '// Data: images and labels of the train and test splits.',
    statement(`const data = await ${rt.use('loadDataset')}($, { seed: ${seed.text} });`, dataSettings(experiment.data)),
  ];
  const studentSettings = { ...encoderSettings('student', experiment.student), inChannels: code('data.channels'), rng: code('rng.fork("student")') };
  // The untrained floor needs the student as initialised: the same function builds it again.
  const floors = experiment.eval.floors && (experiment.eval.linear !== null || experiment.eval.knn !== null);
  lines.push('', '// Models: the student encoder (backbone + projection head) and the teacher.');
  if (floors) {
    lines.push('// The evaluation\'s untrained floor builds the student as initialised again with initialStudent.',
      statement(`const initialStudent = () => ${rt.use('createEncoder')}($);`, studentSettings),
      'const student = initialStudent();');
  } else {
    lines.push(statement(`const student = ${rt.use('createEncoder')}($);`, studentSettings));
  }
  const built = builtTeacher(experiment);
  const teacher = built && teacherStatements(experiment, built, rt);
  if (teacher) lines.push(...teacher.lines);
  const training: { [key: string]: Literal | undefined } = {
    run: code('run'),
    data: code('data'),
    seed,
    loader: { batchSize: read('batch_size'), augment, weak: experiment.augment_weak ? read('augment_weak') : undefined },
    student: code('student'),
    teacher: teacher?.spec,
    objective: objectiveSettings(experiment.loss),
    optimizer: optimizerSettings(experiment.optimizer),
    schedule: scheduleSettings(experiment.schedule),
    checkpointEvery: read('checkpoint_every'),
    logEvery: read('log_every'),
    knn: knnMonitorSettings(experiment.eval),
  };
  lines.push('', '// Training: resumes from the run directory\'s latest checkpoint when there is one.',
    statement(`await ${rt.use('train')}($);`, training),
    '', '// Final evaluation on frozen features: eval.json, then the run is finished and report.md written.',
    statement(`await ${rt.use('evaluate')}($);`, {
      run: code('run'), encoder: code('student'), data: code('data'), seed, ...evaluationSettings(experiment.eval), augment,
      teacher: teacher && experiment.eval.knn ? code('teacherEncoder') : undefined,
      floors: floors ? { initialStudent: code('initialStudent') } : undefined,
    }));
  return lines;
}

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
  if (rt.nodePath) file.addImportDeclaration({ moduleSpecifier: 'node:path', namespaceImport: 'path' });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namedImports: rt.sorted() });
  file.addStatements([
    '',
    '/**',
    ' * The experiment as the compiler resolved it: the run directory keeps it as resolved.json, and the',
    ' * calls below read every setting from it.',
    ' */',
    `const ${EXPERIMENT} = ${literal(experiment as unknown as Literal, 0)} as const;`,
    '',
    'const runDir = process.argv[2];',
    'if (runDir === undefined) {',
    '  process.stderr.write("usage: rekdc exec <program> <run directory>\\n");',
    '  process.exit(2);',
    '}',
    '',
    `await runProgram({ runDir, resolved: ${EXPERIMENT} }, async (run) => {\n${body.map((line) => (line ? `  ${line}` : '')).join('\n')}\n});`,
  ].join('\n'));
  file.insertText(0, [
    '/**',
    ` * Experiment ${commentText(experiment.name)}, compiled by rekdc ${compilerVersion} from ${commentText(source.file)}`,
    ` * (sha256 of the source: ${source.hash}).`,
    ' *',
    ' * Generated code: edit the .rekd file and recompile (`rekdc compile`) rather than this file.',
    ' * Run it with `rekdc run` on the .rekd file, or as it is, from any folder:',
    ' *   rekdc exec <this file> <run directory>',
    ' */',
    '',
  ].join('\n'));
  return file.getFullText();
}
