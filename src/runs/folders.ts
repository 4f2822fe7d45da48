/**
 * The layout of the runs folder: runs/<experiment>-<id>/ for each run (directory.ts names them),
 * runs/teachers/ for the pretrained teacher stages runs share. Kept apart from directory.ts so that
 * the CLI's start-up path reads these names without loading the code generator (run ids).
 */
import * as path from 'node:path';

/** Where runs go, relative to the working directory. */
export const RUNS_FOLDER = 'runs';

/** Where the teacher stages of the runs under `runsRoot` are cached and imported. */
export const teachersFolder = (runsRoot: string): string => path.join(runsRoot, 'teachers');
