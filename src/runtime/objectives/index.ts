export { compressLoss, instanceContrast, relationContrast, seedLoss, softRelation } from './losses.ts';
export { kMeansPlusPlus, PrototypeBank, prototypeLabels, updatePrototypes } from './prototypes.ts';
export type { PrototypeBankOptions } from './prototypes.ts';
export { MemoryQueue, UNLABELLED } from './queue.ts';
export type { QueueEntry, QueueOptions } from './queue.ts';
export { createMiner, disposeMining, knnMiner, PrototypeMiner, rekdLoss, softMiner } from './miners.ts';
export type { MinerName, MinerOptions, Mining, RelationMiner } from './miners.ts';
export { normalizeRows, similarities } from './rows.ts';
export type { SavedState } from './state.ts';
