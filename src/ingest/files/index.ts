export { type FileFormat, formatOf, isNumericType } from './file-format.js';
export { type FileMapping, type FileRoles, planMapping, toRecord } from './file-records.js';
export { type FileColumn, type FileRows, openFileRows } from './file-rows.js';
