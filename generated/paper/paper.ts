/**
 * Experiment "paper", compiled by rekdc 0.1.0 from "experiments/paper.rekd"
 * (sha256 of the source: 9372ebd15dd60c6279e99ed1da5ac91708fda11e735d1649d3f8cde97dfbaddd).
 *
 * Generated code: edit the .rekd file and recompile (`rekdc compile`) rather than this file.
 * Run it with `rekdc run`, or directly: node --import tsx <this file> <run directory>
 */
import * as path from "node:path";
import { type AugmentOp, createEncoder, evaluate, initBackend, loadDataset, openRunDirectory, pretrainTeacher, Rng, runProgram, train } from "rekd/runtime";

/** The experiment as the compiler resolved it; the run directory keeps it as resolved.json. */
const resolved = {
  name: "paper",
  seed: 7,
  backend: "auto",
  threads: 0,
  batch_size: 128,
  checkpoint_every: 0,
  log_every: 10,
  data: { kind: "fashion_mnist", split: "auto", path: null, train_size: 2560, test_size: 1000 },
  augment: [
    { op: "random_resized_crop", size: 28, scale: [0.3, 1], ratio: [0.75, 1.3333] },
    { op: "horizontal_flip", p: 0.5 },
    { op: "color_jitter", brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 },
  ],
  augment_weak: null,
  teacher: {
    kind: "resnet34",
    width: 0.25,
    embed: 128,
    hidden: 0,
    mode: "offline",
    checkpoint: null,
    temperature: 0.2,
    queue: 4096,
    momentum: 0.99,
    pretrain: {
      epochs: 5,
      warmup_epochs: 0,
      lr: null,
      weight_decay: null,
      batch_size: null,
      symmetric: false,
      temperature: null,
      queue: null,
      momentum: null,
      seed: null,
    },
  },
  student: { kind: "alexnet", width: 0.5, embed: 128, hidden: 0 },
  loss: {
    instance: { kind: "moco", weight: 1, temperature: 0.2, queue: 4096, momentum: 0.99, symmetric: false },
    relation: {
      kind: "rekd",
      weight: 1,
      temperature: 0.1,
      miner: "prototype",
      prototypes: 100,
      beta: 0.99,
      reseed_after: 1000,
      warmup_steps: 0,
      k: 5,
      teacher_temperature: 0.05,
    },
    supervised: { weight: 0 },
  },
  optimizer: { kind: "sgd", lr: 0.06, momentum: 0.9, nesterov: false, weight_decay: 0.0005 },
  schedule: { kind: "cosine", epochs: 1, warmup_epochs: 0, final_lr: 0 },
  eval: {
    floors: true,
    linear: { epochs: 10, lr: 0.1, batch_size: 256, weight_decay: 0 },
    knn: { k: 20, temperature: 0.07, every: 0, subset: 1000 },
    collapse: { neighbours: 20 },
  },
};

const runDir = process.argv[2];
if (runDir === undefined) {
  process.stderr.write("usage: node --import tsx <program> <run directory>\n");
  process.exit(2);
}

await runProgram(async () => {
  const run = openRunDirectory(runDir, { resolved });
  await initBackend("auto");
  const rng = new Rng(7);

  // Data: images and labels of the train and test splits, and the two-view augmentation.
  const data = await loadDataset({ kind: "fashion_mnist", split: "auto", path: null, trainSize: 2560, testSize: 1000 }, { seed: 7 });
  const augment: AugmentOp[] = [
    { op: "random_resized_crop", size: 28, scale: [0.3, 1], ratio: [0.75, 1.3333] },
    { op: "horizontal_flip", p: 0.5 },
    { op: "color_jitter", brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 },
  ];

  // Models: the student encoder (backbone + projection head) and the teacher.
  // The evaluation's untrained floor builds the student as initialised again with initialStudent.
  const initialStudent = () => createEncoder({
    kind: "alexnet",
    width: 0.5,
    embed: 128,
    hidden: 0,
    inChannels: data.channels,
    rng: rng.fork("student"),
  });
  const student = initialStudent();
  const teacherEncoder = await pretrainTeacher({
    cacheRoot: path.join(path.dirname(runDir), "teachers"),
    encoder: { kind: "resnet34", width: 0.25, embed: 128, hidden: 0, inChannels: data.channels },
    epochs: 5,
    warmupEpochs: 0,
    instance: { temperature: 0.2, queue: 4096, momentum: 0.99, symmetric: false },
    seed: 7,
    optimizer: { kind: "sgd", lr: 0.06, momentum: 0.9, nesterov: false, weightDecay: 0.0005 },
    data,
    loader: { batchSize: 128, augment },
    logEvery: 10,
  });

  // Training: resumes from the run directory's latest checkpoint when there is one.
  await train({
    run,
    data,
    seed: 7,
    loader: { batchSize: 128, augment },
    student,
    teacher: { mode: "offline", encoder: teacherEncoder },
    objective: {
      queue: 4096,
      momentum: 0.99,
      instance: { weight: 1, temperature: 0.2, symmetric: false },
      relation: {
        kind: "rekd",
        weight: 1,
        temperature: 0.1,
        miner: "prototype",
        prototypes: 100,
        beta: 0.99,
        reseedAfter: 1000,
        warmupSteps: 0,
        k: 5,
        teacherTemperature: 0.05,
      },
      supervised: { weight: 0 },
    },
    optimizer: { kind: "sgd", lr: 0.06, momentum: 0.9, nesterov: false, weightDecay: 0.0005 },
    schedule: { kind: "cosine", epochs: 1, warmupEpochs: 0, finalLr: 0 },
    checkpointEvery: 0,
    logEvery: 10,
  });

  // Final evaluation on frozen features: eval.json, then the run is finished and report.md written.
  evaluate({
    run,
    encoder: student,
    data,
    seed: 7,
    linear: { epochs: 10, lr: 0.1, batchSize: 256, weightDecay: 0 },
    knn: { k: 20, temperature: 0.07 },
    collapse: { neighbours: 20 },
    augment,
    teacher: teacherEncoder,
    floors: { initialStudent },
  });
});
