/**
 * Experiment "teacher_long", compiled by rekdc 0.1.0 from "experiments/teacher-search.rekd"
 * (sha256 of the source: ee9df75603c55405734811a1fd3215ed2d35a0f20c1afa39cd53c3a3d635ab6e).
 *
 * Generated code: edit the .rekd file and recompile (`rekdc compile`) rather than this file.
 * Run it with `rekdc run` on the .rekd file, or as it is, from any folder:
 *   rekdc exec <this file> <run directory>
 */
import { createEncoder, evaluate, initBackend, loadDataset, Rng, runProgram, train } from "rekd/runtime";

/**
 * The experiment as the compiler resolved it: the run directory keeps it as resolved.json, and the
 * calls below read every setting from it.
 */
const experiment = {
  name: "teacher_long",
  seed: 1,
  backend: "auto",
  threads: 0,
  batch_size: 128,
  checkpoint_every: 0,
  log_every: 10,
  data: { kind: "fashion_mnist", split: "official", path: null, train_size: "all", test_size: "all" },
  augment: [
    { op: "random_resized_crop", size: 28, scale: [0.3, 1], ratio: [0.75, 1.3333] },
    { op: "horizontal_flip", p: 0.5 },
    { op: "color_jitter", brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8 },
  ],
  augment_weak: null,
  teacher: null,
  student: { kind: "resnet18", width: 0.25, embed: 128, hidden: 0 },
  loss: {
    instance: {
      kind: "moco",
      weight: 1,
      temperature: 0.2,
      queue: 4096,
      momentum: 0.99,
      symmetric: true,
      bn_groups: 8,
    },
    relation: null,
    supervised: null,
  },
  optimizer: { kind: "sgd", lr: 0.06, momentum: 0.9, nesterov: false, weight_decay: 0.0005 },
  schedule: { kind: "cosine", epochs: 100, warmup_epochs: 5, final_lr: 0 },
  eval: {
    floors: true,
    linear: { epochs: 10, lr: 0.1, batch_size: 256, weight_decay: 0 },
    knn: { k: 20, temperature: 0.07, every: 5, subset: 10000 },
    collapse: { neighbours: 20 },
  },
} as const;

const runDir = process.argv[2];
if (runDir === undefined) {
  process.stderr.write("usage: rekdc exec <program> <run directory>\n");
  process.exit(2);
}

await runProgram({ runDir, resolved: experiment }, async (run) => {
  await initBackend(experiment.backend);
  const rng = new Rng(experiment.seed);

  // Data: images and labels of the train and test splits.
  const data = await loadDataset({
    kind: experiment.data.kind,
    split: experiment.data.split,
    path: experiment.data.path,
    trainSize: experiment.data.train_size,
    testSize: experiment.data.test_size,
  }, { seed: experiment.seed });

  // Models: the student encoder (backbone + projection head) and the teacher.
  // The evaluation's untrained floor builds the student as initialised again with initialStudent.
  const initialStudent = () => createEncoder({
    kind: experiment.student.kind,
    width: experiment.student.width,
    embed: experiment.student.embed,
    hidden: experiment.student.hidden,
    inChannels: data.channels,
    rng: rng.fork("student"),
  });
  const student = initialStudent();

  // Training: resumes from the run directory's latest checkpoint when there is one.
  await train({
    run,
    data,
    seed: experiment.seed,
    loader: { batchSize: experiment.batch_size, augment: experiment.augment },
    student,
    objective: {
      queue: experiment.loss.instance.queue,
      momentum: experiment.loss.instance.momentum,
      instance: {
        weight: experiment.loss.instance.weight,
        temperature: experiment.loss.instance.temperature,
        symmetric: experiment.loss.instance.symmetric,
        bnGroups: experiment.loss.instance.bn_groups,
      },
    },
    optimizer: {
      kind: experiment.optimizer.kind,
      lr: experiment.optimizer.lr,
      momentum: experiment.optimizer.momentum,
      nesterov: experiment.optimizer.nesterov,
      weightDecay: experiment.optimizer.weight_decay,
    },
    schedule: {
      kind: experiment.schedule.kind,
      epochs: experiment.schedule.epochs,
      warmupEpochs: experiment.schedule.warmup_epochs,
      finalLr: experiment.schedule.final_lr,
    },
    checkpointEvery: experiment.checkpoint_every,
    logEvery: experiment.log_every,
    knn: {
      k: experiment.eval.knn.k,
      temperature: experiment.eval.knn.temperature,
      every: experiment.eval.knn.every,
      subset: experiment.eval.knn.subset,
    },
  });

  // Final evaluation on frozen features: eval.json, then the run is finished and report.md written.
  await evaluate({
    run,
    encoder: student,
    data,
    seed: experiment.seed,
    linear: {
      epochs: experiment.eval.linear.epochs,
      lr: experiment.eval.linear.lr,
      batchSize: experiment.eval.linear.batch_size,
      weightDecay: experiment.eval.linear.weight_decay,
    },
    knn: { k: experiment.eval.knn.k, temperature: experiment.eval.knn.temperature },
    collapse: { neighbours: experiment.eval.collapse.neighbours },
    augment: experiment.augment,
    floors: { initialStudent },
  });
});
