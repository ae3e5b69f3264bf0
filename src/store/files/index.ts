export type { FileSelect } from '../queries/file-read.js';
export { type FileRows, openFileRows } from './file-rows.js';
