export { fileReadError, plainClickhouseText } from './file-errors.js';
export {
  CLICKHOUSE_FORMAT,
  type FileColumn,
  type FileFormat,
  formatOf,
  isNumericType,
  isTextFormat,
  readTypeOf,
} from './file-format.js';
export {
  type FileMapping,
  type FileRoleColumns,
  type FileRoles,
  planMapping,
  toRecord,
} from './file-records.js';
